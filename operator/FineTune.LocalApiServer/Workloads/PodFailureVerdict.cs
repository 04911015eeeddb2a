namespace FineTune.LocalApiServer.Workloads;

/// <summary>What a Job's podFailurePolicy says about one failed pod.</summary>
/// <param name="Action">FailJob, Ignore or Count (also the answer when no rule matches).</param>
/// <param name="Message">Why, in the Job controller's words (the Failed condition's message for FailJob); null for Count by default.</param>
public sealed record PodFailureVerdict(string Action, string? Message)
{
    /// <summary>No rule matched: the failure counts towards backoffLimit.</summary>
    public static readonly PodFailureVerdict CountByDefault = new("Count", null);
}
