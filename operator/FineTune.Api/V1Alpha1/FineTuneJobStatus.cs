namespace FineTune.Api.V1Alpha1;

/// <summary>What the operator observed. Written only through the status subresource.</summary>
public sealed class FineTuneJobStatus
{
    /// <summary>metadata.generation the status reflects.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>Pending, Queued, Running, Succeeded, Failed or Suspended.</summary>
    public JobPhase? Phase { get; set; }

    /// <summary>Id of the current (or last) run; outputs go under output.uri/&lt;runId&gt;/.</summary>
    public string? RunId { get; set; }

    /// <summary>Hash of the training-relevant spec of the current run, to tell a retraining change from a no-op.</summary>
    public string? SpecHash { get; set; }

    /// <summary>Latest observations, one per type.</summary>
    public List<Condition>? Conditions { get; set; }

    /// <summary>The stage running now, or the last one that ran.</summary>
    public string? CurrentStage { get; set; }

    /// <summary>Every stage of the current run.</summary>
    public List<StageStatus>? Stages { get; set; }

    /// <summary>Training progress of the running stage.</summary>
    public ProgressStatus? Progress { get; set; }

    /// <summary>The latest checkpoint a retry or resume starts from.</summary>
    public CheckpointRef? LastCheckpoint { get; set; }

    /// <summary>Results of the latest successful run.</summary>
    public OutputsStatus? Outputs { get; set; }

    /// <summary>Admission queue position while queued.</summary>
    public QueueStatus? Queue { get; set; }

    /// <summary>When the current run started.</summary>
    public DateTime? StartTime { get; set; }

    /// <summary>When the current run finished.</summary>
    public DateTime? CompletionTime { get; set; }

    /// <summary>The last few finished runs, newest first.</summary>
    public List<RunRecord>? History { get; set; }
}
