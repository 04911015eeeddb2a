using System.Globalization;
using System.Text.RegularExpressions;

namespace FineTune.LocalCluster.Tests.Support;

/// <summary>What a trainer pod's log says, read from the trainer's JSON lines.</summary>
public static partial class TrainerLog
{
    /// <summary>How many optimizer steps the log reports.</summary>
    public static int Steps(string log) => StepEvent().Count(log);

    /// <summary>Steps of the checkpoints the log reports, in order.</summary>
    public static IReadOnlyList<long> Checkpoints(string log) =>
        CheckpointEvent().Matches(log).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    /// <summary>The step the run resumed from, or null when it started fresh.</summary>
    public static long? ResumedFrom(string log) =>
        ResumeMessage().Match(log) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex("\"event\":\"step\"")]
    private static partial Regex StepEvent();

    [GeneratedRegex("\"event\":\"checkpoint\",\"step\":(\\d+)")]
    private static partial Regex CheckpointEvent();

    [GeneratedRegex("resuming from .* at step (\\d+)")]
    private static partial Regex ResumeMessage();
}
