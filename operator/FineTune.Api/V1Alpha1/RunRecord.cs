namespace FineTune.Api.V1Alpha1;

/// <summary>A finished run kept in status.history so earlier outputs stay findable after retraining.</summary>
public sealed class RunRecord
{
    /// <summary>The run's id (its output prefix).</summary>
    public required string RunId { get; set; }

    /// <summary>metadata.generation the run trained.</summary>
    public long Generation { get; set; }

    /// <summary>Succeeded or Failed (or Failed with reason Superseded when a spec change restarted it).</summary>
    public JobPhase Phase { get; set; }

    /// <summary>When the run started.</summary>
    public DateTime? StartTime { get; set; }

    /// <summary>When the run finished.</summary>
    public DateTime? CompletionTime { get; set; }

    /// <summary>The run's results.</summary>
    public OutputsStatus? Outputs { get; set; }

    /// <summary>Why it ended, when it did not succeed.</summary>
    public string? Message { get; set; }
}
