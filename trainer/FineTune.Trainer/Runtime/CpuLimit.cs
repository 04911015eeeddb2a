using System.Globalization;

namespace FineTune.Trainer.Runtime;

/// <summary>
/// The CPU limit of the container the process runs in, read from cgroup v2 (cpu.max) or v1 (cfs quota/period).
/// libtorch's default thread count ignores it (one thread per host core), which oversubscribes a limited pod.
/// </summary>
public static class CpuLimit
{
    /// <summary>Whole CPUs allowed (rounded up, at least 1), or null when unlimited or unknown.</summary>
    public static int? Read(string cgroupRoot = "/sys/fs/cgroup")
    {
        var v2 = Path.Combine(cgroupRoot, "cpu.max");
        if (File.Exists(v2)) return ParseCpuMax(File.ReadAllText(v2));
        var quota = Path.Combine(cgroupRoot, "cpu", "cpu.cfs_quota_us");
        var period = Path.Combine(cgroupRoot, "cpu", "cpu.cfs_period_us");
        if (File.Exists(quota) && File.Exists(period))
            return FromQuota(File.ReadAllText(quota).Trim(), File.ReadAllText(period).Trim());
        return null;
    }

    /// <summary>Parses cgroup v2 "cpu.max" content: "max 100000" (unlimited) or "200000 100000" (2 CPUs).</summary>
    public static int? ParseCpuMax(string content)
    {
        var parts = content.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 ? FromQuota(parts[0], parts[1]) : null;
    }

    private static int? FromQuota(string quota, string period)
    {
        if (!long.TryParse(quota, NumberStyles.Integer, CultureInfo.InvariantCulture, out var q) || q <= 0) return null;
        if (!long.TryParse(period, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) || p <= 0) return null;
        return (int)Math.Max(1, (q + p - 1) / p);
    }
}
