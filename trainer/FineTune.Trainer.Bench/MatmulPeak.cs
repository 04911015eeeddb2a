using System.Diagnostics;
using static TorchSharp.torch;

namespace FineTune.Trainer.Bench;

/// <summary>The machine's matrix-multiply throughput for a dtype, measured in this process (the MFU denominator).</summary>
internal static class MatmulPeak
{
    /// <summary>Best GFLOP/s of n×n·n×n products over a few timed rounds.</summary>
    public static double Measure(ScalarType dtype, int n = 1024, int rounds = 5, int perRound = 8)
    {
        using var scope = NewDisposeScope();
        var a = randn(n, n).to(dtype);
        var b = randn(n, n).to(dtype);
        a.matmul(b); // warm-up: thread pool and kernels
        double best = 0;
        for (int r = 0; r < rounds; r++)
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < perRound; i++) a.matmul(b).Dispose();
            double seconds = watch.Elapsed.TotalSeconds;
            best = Math.Max(best, 2.0 * n * n * n * perRound / seconds / 1e9);
        }
        return best;
    }
}
