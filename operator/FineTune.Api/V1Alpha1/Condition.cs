using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>An observation of one aspect of the job, in the shape of metav1.Condition.</summary>
public sealed class Condition
{
    /// <summary>CamelCase type, e.g. Admitted, Running, Succeeded, Ready.</summary>
    [Length(Min = 1, Max = 316)]
    public required string Type { get; set; }

    /// <summary>True, False or Unknown.</summary>
    public required ConditionStatus Status { get; set; }

    /// <summary>CamelCase reason for the last transition.</summary>
    [Length(Min = 1, Max = 1024)]
    public required string Reason { get; set; }

    /// <summary>Human-readable details.</summary>
    [Length(Max = 32768)]
    public string? Message { get; set; }

    /// <summary>metadata.generation the condition was set from.</summary>
    [Minimum(0)]
    public long? ObservedGeneration { get; set; }

    /// <summary>When the status last changed.</summary>
    public required DateTime LastTransitionTime { get; set; }
}
