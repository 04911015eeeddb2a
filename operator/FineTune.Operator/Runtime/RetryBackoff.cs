namespace FineTune.Operator.Runtime;

/// <summary>
/// Per-key exponential backoff for failed reconciles: base, 2×base, 4×base ... up to a cap; a success forgets the key.
/// </summary>
/// <typeparam name="TKey">Work item key.</typeparam>
public sealed class RetryBackoff<TKey>(TimeSpan baseDelay, TimeSpan maxDelay) where TKey : notnull
{
    private readonly Lock gate = new();
    private readonly Dictionary<TKey, int> failures = new();

    /// <summary>Records a failure of <paramref name="key"/> and returns how long to wait before retrying it.</summary>
    public TimeSpan NextDelay(TKey key)
    {
        int count;
        lock (gate)
        {
            failures.TryGetValue(key, out count);
            failures[key] = count + 1;
        }
        // 2^30 × any sensible base is far beyond the cap; stop doubling before the arithmetic overflows.
        var factor = Math.Pow(2, Math.Min(count, 30));
        var ticks = Math.Min(baseDelay.Ticks * factor, maxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Failures recorded for <paramref name="key"/> since it last succeeded.</summary>
    public int Failures(TKey key)
    {
        lock (gate)
            return failures.GetValueOrDefault(key);
    }

    /// <summary>Forgets the failures of <paramref name="key"/> (after a success or a deletion).</summary>
    public void Forget(TKey key)
    {
        lock (gate)
            failures.Remove(key);
    }
}
