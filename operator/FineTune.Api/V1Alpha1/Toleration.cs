using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>A toleration of a node taint (core/v1 Toleration).</summary>
[CelRule("!has(self.operator) || self.operator != 'Exists' || !has(self.value)", "must be empty when operator is Exists", FieldPath = ".value")]
public sealed class Toleration
{
    /// <summary>Taint key; empty with operator Exists matches every taint.</summary>
    [Length(Max = 316)]
    public string? Key { get; set; }

    /// <summary>Equal or Exists.</summary>
    public TolerationOperator? Operator { get; set; }

    /// <summary>Taint value to match with operator Equal.</summary>
    [Length(Max = 63)]
    public string? Value { get; set; }

    /// <summary>NoSchedule, PreferNoSchedule or NoExecute; empty matches all effects.</summary>
    public TaintEffect? Effect { get; set; }

    /// <summary>How long a NoExecute taint is tolerated before eviction.</summary>
    [Minimum(0)]
    public long? TolerationSeconds { get; set; }
}
