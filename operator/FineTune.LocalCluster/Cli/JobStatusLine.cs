using System.Globalization;
using FineTune.Api.V1Alpha1;

namespace FineTune.LocalCluster.Cli;

/// <summary>One row of <c>kubectl get ftj -w</c>: name, phase, stage, step/total, loss, ETA and age.</summary>
public static class JobStatusLine
{
    /// <summary>The column header.</summary>
    public const string Header = "NAME                 PHASE       STAGE     STEP          LOSS      EVAL      ETA      AGE";

    /// <summary>The row for <paramref name="job"/> at <paramref name="now"/>.</summary>
    public static string Format(FineTuneJob job, DateTime now)
    {
        var status = job.Status;
        var progress = status?.Progress;
        var step = progress is { TotalSteps: > 0 } p ? $"{p.Step}/{p.TotalSteps}" : "-";
        var started = status?.StartTime ?? job.Metadata.CreationTimestamp;
        return string.Format(CultureInfo.InvariantCulture, "{0,-20} {1,-11} {2,-9} {3,-13} {4,-9} {5,-9} {6,-8} {7}",
            job.Metadata.Name, status?.Phase?.ToString() ?? "-", status?.CurrentStage ?? "-", step,
            Number(progress?.Loss), Number(progress?.EvalLoss), Duration(progress?.EtaSeconds),
            started is { } t ? Duration((long)(now - t).TotalSeconds) : "-");
    }

    /// <summary>What a watcher compares to decide that a row changed (age excluded, so an idle job prints nothing).</summary>
    public static string Key(FineTuneJob job) => Format(job, DateTime.UnixEpoch) is var row ? row[..row.LastIndexOf(' ')] : "";

    private static string Number(double? value) => value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";

    private static string Duration(long? seconds) => seconds switch
    {
        null or < 0 => "-",
        < 60 => $"{seconds}s",
        < 3600 => $"{seconds / 60}m{seconds % 60:00}s",
        _ => $"{seconds / 3600}h{seconds % 3600 / 60:00}m",
    };
}
