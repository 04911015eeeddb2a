using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>Priority and queueing of a job among the teams sharing the cluster's GPUs.</summary>
[CelRule("!(has(self.priority) && has(self.priorityClassName))", "set priority or priorityClassName, not both", FieldPath = ".priorityClassName")]
public sealed class SchedulingSpec
{
    /// <summary>Priority within the operator's own queue; higher is admitted first.</summary>
    [Minimum(-1000000), Maximum(1000000)]
    public int? Priority { get; set; }

    /// <summary>A PriorityClass set on the training pods (and used for ordering when kueue is true).</summary>
    [Pattern(Patterns.ObjectName, Patterns.ObjectNameAccepted), Length(Max = 253)]
    public string? PriorityClassName { get; set; }

    /// <summary>The operator's admission queue, or the Kueue LocalQueue when kueue is true.</summary>
    [Pattern(Patterns.ObjectName, Patterns.ObjectNameAccepted), Length(Max = 253)]
    public string Queue { get; set; } = "default";

    /// <summary>Hand admission to Kueue: Jobs are created suspended with the kueue.x-k8s.io/queue-name label.</summary>
    public bool Kueue { get; set; }
}
