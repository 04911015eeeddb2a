namespace FineTune.Operator.Status;

/// <summary>CamelCase reasons of the operator's conditions (and of the matching Kubernetes Events).</summary>
public static class ConditionReasons
{
    /// <summary>The spec is valid.</summary>
    public const string SpecValid = "SpecValid";
    /// <summary>The spec failed validation; the message lists every problem.</summary>
    public const string InvalidSpec = "InvalidSpec";
    /// <summary>A Secret or ConfigMap the job needs does not exist.</summary>
    public const string DependencyMissing = "DependencyMissing";
    /// <summary>Creating a child was forbidden or rejected by the API server.</summary>
    public const string JobCreationFailed = "JobCreationFailed";
    /// <summary>Waiting for GPU capacity in the admission queue.</summary>
    public const string WaitingForCapacity = "WaitingForCapacity";
    /// <summary>Admitted by the operator's queue.</summary>
    public const string CapacityAvailable = "CapacityAvailable";
    /// <summary>Admission handed to Kueue.</summary>
    public const string DelegatedToKueue = "DelegatedToKueue";
    /// <summary>A new run was set up and waits for admission.</summary>
    public const string AwaitingAdmission = "AwaitingAdmission";
    /// <summary>A stage's pod runs.</summary>
    public const string StageRunning = "StageRunning";
    /// <summary>A stage's Job exists but its pod does not run yet.</summary>
    public const string StagePending = "StagePending";
    /// <summary>The run is in progress.</summary>
    public const string InProgress = "InProgress";
    /// <summary>Every stage succeeded.</summary>
    public const string AllStagesSucceeded = "AllStagesSucceeded";
    /// <summary>A stage failed beyond its retries.</summary>
    public const string StageFailed = "StageFailed";
    /// <summary>activeDeadlineSeconds passed.</summary>
    public const string DeadlineExceeded = "DeadlineExceeded";
    /// <summary>The run was stopped because the spec changed (runPolicy.onSpecChange restart).</summary>
    public const string Superseded = "Superseded";
    /// <summary>The run finished (used on the Running condition).</summary>
    public const string Finished = "Finished";
    /// <summary>Suspension requested; waiting for the pods to checkpoint and stop.</summary>
    public const string Suspending = "Suspending";
    /// <summary>The run is suspended.</summary>
    public const string SuspendedByUser = "SuspendedByUser";
    /// <summary>The run resumed after a suspension.</summary>
    public const string Resumed = "Resumed";
    /// <summary>The run is not suspended.</summary>
    public const string NotSuspended = "NotSuspended";
    /// <summary>The run is queued.</summary>
    public const string Queued = "Queued";
    /// <summary>Deleting the outputs failed; retried with backoff until it works or retainOnDelete is set.</summary>
    public const string OutputDeletionFailed = "OutputDeletionFailed";
}
