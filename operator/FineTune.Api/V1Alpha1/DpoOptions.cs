using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>Direct preference optimisation (Rafailov et al., 2023) against the frozen reference policy.</summary>
public sealed class DpoOptions
{
    /// <summary>Inverse temperature beta of the implicit reward.</summary>
    [Minimum(0, Exclusive = true), Maximum(10)]
    public double Beta { get; set; } = 0.1;

    /// <summary>sigmoid (DPO) or ipo.</summary>
    public DpoLoss LossType { get; set; } = DpoLoss.Sigmoid;

    /// <summary>Assumed share of flipped preference labels (conservative DPO).</summary>
    [Minimum(0), Maximum(0.5, Exclusive = true)]
    public double LabelSmoothing { get; set; }
}
