namespace FineTune.LocalApiServer.Workloads;

/// <summary>How much of the cluster's work the <see cref="JobDriver"/> does by itself.</summary>
public sealed record JobDriverOptions
{
    /// <summary>Create pods for Jobs that need them (the Job controller's part). On by default.</summary>
    public bool CreatePods { get; init; } = true;

    /// <summary>Move new pods to Running at once (the scheduler and kubelet starting them). Off by default.</summary>
    public bool StartPods { get; init; }

    /// <summary>
    /// Pods the Job controller stops (suspend, Job failed) get a graceful deletion, as in Kubernetes: they stay
    /// terminating (deletionTimestamp, Job status.terminating) until a kubelet step ends them or their
    /// terminationGracePeriodSeconds runs out (exit code 137). Off by default: such pods are deleted at once.
    /// </summary>
    public bool GracefulTermination { get; init; }
}
