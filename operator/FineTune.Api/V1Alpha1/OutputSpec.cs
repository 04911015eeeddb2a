using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>Where a run writes. Each run writes under &lt;uri&gt;/&lt;run-id&gt;/ so retraining keeps earlier results.</summary>
public sealed class OutputSpec
{
    /// <summary>Prefix for checkpoints and results.</summary>
    [Pattern(Patterns.StorageUri, Patterns.StorageUriAccepted), Length(Min = 1, Max = 2048)]
    public required string Uri { get; set; }

    /// <summary>adapter, merged or both. Left out: adapter for adapter methods, the whole model otherwise.</summary>
    public SaveMode? Save { get; set; }

    /// <summary>How many periodic checkpoints to keep (the best one is kept as well).</summary>
    [Minimum(1), Maximum(100)]
    public int KeepCheckpoints { get; set; } = 3;

    /// <summary>Keep the outputs in storage when the FineTuneJob is deleted.</summary>
    public bool RetainOnDelete { get; set; } = true;
}
