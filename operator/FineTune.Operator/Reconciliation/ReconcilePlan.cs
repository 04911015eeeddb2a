using FineTune.Api.V1Alpha1;

namespace FineTune.Operator.Reconciliation;

/// <summary>What a reconcile decided: the status to write, the children to change, the events to record, when to look again.</summary>
public sealed class ReconcilePlan
{
    /// <summary>The desired status (the operator-owned fields are patched when they differ from the current ones).</summary>
    public required FineTuneJobStatus Status { get; init; }

    /// <summary>A new run started: the trainer's progress and lastCheckpoint are cleared too.</summary>
    public bool ClearTrainerFields { get; set; }

    /// <summary>Changes to children, carried out in order before the status is written.</summary>
    public List<ChildAction> Actions { get; } = [];

    /// <summary>Events recorded after the status is written.</summary>
    public List<JobEvent> Events { get; } = [];

    /// <summary>Stages that finished in this reconcile.</summary>
    public List<FinishedStage> FinishedStages { get; } = [];

    /// <summary>Look again after this long even without events; null waits for events only.</summary>
    public TimeSpan? RequeueAfter { get; set; }
}
