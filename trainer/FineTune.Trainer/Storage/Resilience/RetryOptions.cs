namespace FineTune.Trainer.Storage.Resilience;

/// <summary>
/// Exponential backoff for transient store errors: the n-th retry waits a random time in [d/2, d] with
/// d = min(<see cref="MaxDelay"/>, <see cref="InitialDelay"/> · 2^(n-1)). The defaults ride out about two minutes of
/// outage, enough for a MinIO pod restart.
/// </summary>
public sealed record RetryOptions
{
    /// <summary>Attempts in total, the first included.</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>Delay before the first retry.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound of any single delay.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The base delay of retry <paramref name="retry"/> (1-based), before jitter.</summary>
    public TimeSpan BaseDelay(int retry)
    {
        var factor = Math.Pow(2, Math.Min(retry - 1, 30));
        var ms = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * factor);
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>The delay to wait before retry <paramref name="retry"/>: half fixed, half random (jitter spreads out clients).</summary>
    public TimeSpan DelayWithJitter(int retry, Random random)
    {
        var full = BaseDelay(retry).TotalMilliseconds;
        return TimeSpan.FromMilliseconds(full / 2 + random.NextDouble() * full / 2);
    }
}
