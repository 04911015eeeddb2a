namespace FineTune.Operator.Reconciliation;

/// <summary>The state of a stage's batch/v1 Job as the operator reads it.</summary>
public enum TrainingJobPhase
{
    /// <summary>Created, no pod running (scheduling, image pull, or between retries).</summary>
    Pending,
    /// <summary>A pod runs.</summary>
    Running,
    /// <summary>spec.suspend is true and no pod runs.</summary>
    Suspended,
    /// <summary>Completed.</summary>
    Succeeded,
    /// <summary>Failed beyond its retries, or failed at once by the pod failure policy.</summary>
    Failed,
}
