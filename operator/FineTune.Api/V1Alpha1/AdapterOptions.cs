using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>
/// Bottleneck adapters: x + up(f(down(x))) with down: d → d/reductionFactor; up starts at zero so each adapter starts
/// as the identity.
/// </summary>
public sealed class AdapterOptions
{
    /// <summary>houlsby (after attention and after the feed-forward block) or pfeiffer (after the feed-forward block).</summary>
    public AdapterPlacement Placement { get; set; } = AdapterPlacement.Houlsby;

    /// <summary>Hidden size divided by the bottleneck size.</summary>
    [Minimum(1), Maximum(1024)]
    public int ReductionFactor { get; set; } = 16;

    /// <summary>Activation in the bottleneck: relu, gelu, silu or tanh.</summary>
    public NonLinearity NonLinearity { get; set; } = NonLinearity.Relu;
}
