using k8s.Models;

namespace FineTune.Operator.Reconciliation;

/// <summary>What a stage's batch/v1 Job says about the stage, read from its status and conditions.</summary>
/// <param name="Phase">Pending, Running, Suspended, Succeeded or Failed.</param>
/// <param name="Attempts">Pods started so far (failed + active + succeeded).</param>
/// <param name="Message">Why it failed, when it did.</param>
/// <param name="CompletionTime">When it finished, when known.</param>
public sealed record TrainingJobState(TrainingJobPhase Phase, int Attempts, string? Message, DateTime? CompletionTime)
{
    /// <summary>Reads <paramref name="job"/>.</summary>
    public static TrainingJobState Of(V1Job job)
    {
        var status = job.Status;
        var attempts = (status?.Failed ?? 0) + (status?.Active ?? 0) + (status?.Succeeded ?? 0);
        var conditions = status?.Conditions ?? [];
        bool Has(string type) => conditions.Any(c => c.Type == type && c.Status == "True");
        if (Has("Complete") || Has("SuccessCriteriaMet"))
            return new(TrainingJobPhase.Succeeded, attempts, null, status?.CompletionTime);
        if (Has("Failed") || Has("FailureTarget"))
        {
            var failed = conditions.First(c => (c.Type == "Failed" || c.Type == "FailureTarget") && c.Status == "True");
            var message = string.IsNullOrEmpty(failed.Message) ? failed.Reason : $"{failed.Reason}: {failed.Message}";
            return new(TrainingJobPhase.Failed, attempts, message, failed.LastTransitionTime);
        }
        if ((status?.Active ?? 0) > 0)
            return new(TrainingJobPhase.Running, attempts, null, null);
        if (job.Spec?.Suspend == true)
            return new(TrainingJobPhase.Suspended, attempts, null, null);
        return new(TrainingJobPhase.Pending, attempts, null, null);
    }
}
