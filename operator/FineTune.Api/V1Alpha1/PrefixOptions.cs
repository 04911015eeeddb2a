using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>The prefix-tuning family: learned virtual tokens in front of every sequence.</summary>
[CelRule("self.variant == 'prefix' || !has(self.projectionHiddenSize)", "applies to variant prefix only (the reparameterisation MLP)", FieldPath = ".projectionHiddenSize")]
[CelRule("self.variant == 'prompt' || !has(self.initText)", "applies to variant prompt only", FieldPath = ".initText")]
public sealed class PrefixOptions
{
    /// <summary>prefix (per-layer key/values through an MLP), ptuning-v2 (per-layer, no MLP) or prompt (input embeddings only).</summary>
    public PrefixVariant Variant { get; set; } = PrefixVariant.Prefix;

    /// <summary>Number of virtual tokens; they count against the model's position limit.</summary>
    [Minimum(1), Maximum(512)]
    public int VirtualTokens { get; set; } = 20;

    /// <summary>Hidden width of the reparameterisation MLP (variant prefix); left out: 512.</summary>
    [Minimum(1), Maximum(65536)]
    public int? ProjectionHiddenSize { get; set; }

    /// <summary>Initialise a soft prompt from the embeddings of this text (variant prompt); left out: random.</summary>
    [Length(Min = 1, Max = 4096)]
    public string? InitText { get; set; }
}
