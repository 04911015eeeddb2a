using k8s.Models;

namespace FineTune.Operator.Reconciliation;

/// <summary>
/// What the pods of one training Job say beyond the Job's own status: why the current pod does not start
/// (unschedulable, image pull failures, bad container config) and how the latest failed attempt ended.
/// </summary>
/// <param name="Waiting">Why the newest pod is stuck before running, with a CamelCase reason; null when it is not.</param>
/// <param name="LastFailure">The most recent failed trainer container; null when none failed.</param>
public sealed record PodDiagnosis((string Reason, string Message)? Waiting, TrainerExit? LastFailure)
{
    /// <summary>Nothing to report.</summary>
    public static readonly PodDiagnosis None = new(null, null);

    // Waiting reasons of a container that mean it will not start without someone fixing something.
    private static readonly HashSet<string> StuckReasons =
    [
        "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError",
        "CreateContainerError", "CrashLoopBackOff", "RunContainerError",
    ];

    /// <summary>Reads the pods of Job <paramref name="jobName"/> among <paramref name="pods"/> (matched by the Job's owner reference or job-name label).</summary>
    public static PodDiagnosis Of(string jobName, IEnumerable<V1Pod> pods, string containerName)
    {
        var own = pods.Where(p => BelongsTo(p, jobName))
            .OrderBy(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
        if (own.Count == 0)
            return None;
        TrainerExit? failure = null;
        foreach (var pod in own)
        {
            var state = pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == containerName);
            var terminated = state?.State?.Terminated ?? state?.LastState?.Terminated;
            if (terminated is { ExitCode: not 0 })
                failure = new TrainerExit(pod.Metadata.Name, terminated.ExitCode, terminated.Reason, terminated.Message);
        }
        return new PodDiagnosis(WaitingOf(own[^1], containerName), failure);
    }

    private static (string, string)? WaitingOf(V1Pod pod, string containerName)
    {
        if (pod.Metadata.DeletionTimestamp is not null || pod.Status?.Phase is "Running" or "Succeeded" or "Failed")
            return null;
        var name = pod.Metadata.Name;
        var waiting = pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == containerName)?.State?.Waiting;
        if (waiting?.Reason is { } reason && StuckReasons.Contains(reason))
            return (reason, $"pod {name}: container {containerName} is waiting: {reason}{Detail(waiting.Message)}");
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (scheduled is { Status: "False", Reason: "Unschedulable" })
            return ("Unschedulable", $"pod {name} cannot be scheduled{Detail(scheduled.Message)}");
        return null;
    }

    private static bool BelongsTo(V1Pod pod, string jobName)
        => pod.Metadata.OwnerReferences?.Any(o => o.Kind == "Job" && o.Name == jobName) == true
           || pod.Metadata.Labels?.TryGetValue("batch.kubernetes.io/job-name", out var label) == true && label == jobName
           || pod.Metadata.Labels?.TryGetValue("job-name", out var legacy) == true && legacy == jobName;

    private static string Detail(string? message) => string.IsNullOrWhiteSpace(message) ? "" : $": {message.Trim()}";
}
