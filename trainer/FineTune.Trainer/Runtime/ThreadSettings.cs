using System.Globalization;
using TorchSharp;

namespace FineTune.Trainer.Runtime;

/// <summary>
/// Chooses libtorch's intra-op thread count: OMP_NUM_THREADS when set (the Job sets it from the CPU limit), else the
/// container CPU limit, else the machine's processor count.
/// </summary>
public static class ThreadSettings
{
    /// <summary>The thread count to use, and where it came from (for the log).</summary>
    public static (int Threads, string Source) Choose(string? ompNumThreads, int? cpuLimit, int processorCount)
    {
        if (!string.IsNullOrWhiteSpace(ompNumThreads))
        {
            if (!int.TryParse(ompNumThreads.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n <= 0)
                throw new ArgumentException(
                    $"environment variable OMP_NUM_THREADS: '{ompNumThreads}' is not a thread count; expected a positive integer.");
            return (n, "OMP_NUM_THREADS");
        }
        if (cpuLimit is { } limit) return (Math.Min(limit, processorCount), "cgroup CPU limit");
        return (processorCount, "processor count");
    }

    /// <summary>Applies the choice for this process and returns it.</summary>
    public static (int Threads, string Source) Apply()
    {
        var choice = Choose(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), CpuLimit.Read(), Environment.ProcessorCount);
        torch.set_num_threads(choice.Threads);
        return choice;
    }
}
