namespace FineTune.Trainer.Bench;

/// <summary>Peak resident memory of this process (VmHWM), which covers libtorch's native allocations.</summary>
internal static class ProcessMemory
{
    public static double PeakRssMegabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }
}
