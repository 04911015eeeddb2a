using System.Diagnostics;
using static TorchSharp.torch;

namespace FineTune.Trainer.Bench;

/// <summary>
/// Times forward, backward and update (clip + AdamW) of several methods step by step in turn in one process, so
/// noise from other processes on the machine hits every method alike and their ratios stay comparable. Reports
/// medians of wall time and of process CPU time (all threads).
/// </summary>
internal static class PhaseProfile
{
    /// <summary>One JSON-ready line per method plus the ratio of each to the first.</summary>
    public static IEnumerable<Dictionary<string, object>> Run(IReadOnlyList<string> methods, ScalarType dtype, int steps, int warmup)
    {
        var runs = methods.Select(m => new BenchRun(m, dtype)).ToArray();
        var samples = methods.Select(_ => new List<double[]>()).ToArray();
        for (int i = 0; i < warmup + steps; i++)
        {
            for (int r = 0; r < runs.Length; r++)
            {
                var sample = TimeStep(runs[r]);
                if (i >= warmup) samples[r].Add(sample);
            }
        }
        string[] names = ["forward_ms", "backward_ms", "update_ms", "step_ms", "forward_cpu_ms", "backward_cpu_ms", "update_cpu_ms", "step_cpu_ms"];
        double[]? first = null;
        for (int r = 0; r < runs.Length; r++)
        {
            var medians = Enumerable.Range(0, names.Length).Select(k => Median(samples[r].Select(s => s[k]))).ToArray();
            first ??= medians;
            var line = new Dictionary<string, object> { ["profile"] = methods[r], ["steps"] = steps };
            for (int k = 0; k < names.Length; k++) line[names[k]] = Math.Round(medians[k], 2);
            line["tokens_per_s"] = Math.Round(BenchRun.TokensPerStep / (medians[3] / 1000), 1);
            line["speedup_vs_" + methods[0]] = Math.Round(first[3] / medians[3], 3);
            line["cpu_speedup_vs_" + methods[0]] = Math.Round(first[7] / medians[7], 3);
            yield return line;
        }
    }

    private static double[] TimeStep(BenchRun run)
    {
        using var scope = NewDisposeScope();
        var process = Process.GetCurrentProcess();
        var watch = Stopwatch.StartNew();
        var cpu0 = process.TotalProcessorTime;
        var loss = run.Forward();
        double t1 = watch.Elapsed.TotalMilliseconds; process.Refresh(); var cpu1 = process.TotalProcessorTime;
        BenchRun.Backward(loss);
        double t2 = watch.Elapsed.TotalMilliseconds; process.Refresh(); var cpu2 = process.TotalProcessorTime;
        run.Update();
        double t3 = watch.Elapsed.TotalMilliseconds; process.Refresh(); var cpu3 = process.TotalProcessorTime;
        return [t1, t2 - t1, t3 - t2, t3,
            (cpu1 - cpu0).TotalMilliseconds, (cpu2 - cpu1).TotalMilliseconds, (cpu3 - cpu2).TotalMilliseconds, (cpu3 - cpu0).TotalMilliseconds];
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
