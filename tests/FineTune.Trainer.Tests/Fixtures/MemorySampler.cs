namespace FineTune.Trainer.Tests.Fixtures;

/// <summary>Measures how far the live managed heap grows while an action runs.</summary>
public static class MemorySampler
{
    /// <summary>Runs <paramref name="action"/> and returns the peak growth of live managed memory over the start, in bytes.</summary>
    public static async Task<(long PeakGrowth, TimeSpan Elapsed)> PeakDuringAsync(Func<Task> action)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var done = new CancellationTokenSource();
        // Sampling with a full collection counts live objects only (freed upload buffers would otherwise count).
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                try
                {
                    await Task.Delay(25, done.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await action();
        }
        finally
        {
            done.Cancel();
            await sampler;
        }

        return (peak, watch.Elapsed);
    }
}
