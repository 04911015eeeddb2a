using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>
/// Low-rank adaptation (Hu et al., 2021): each target linear layer W gains B·A with rank r, scaled by alpha/r
/// (alpha/√r with rsLora); B starts at zero so training starts from the base model.
/// </summary>
public class LoraOptions
{
    /// <summary>Rank r of the update.</summary>
    [Minimum(1), Maximum(1024)]
    public int Rank { get; set; } = 8;

    /// <summary>Scaling numerator alpha.</summary>
    [Minimum(0, Exclusive = true), Maximum(65536)]
    public double Alpha { get; set; } = 16;

    /// <summary>Dropout on the adapter input.</summary>
    [Minimum(0), Maximum(1, Exclusive = true)]
    public double Dropout { get; set; } = 0.05;

    /// <summary>
    /// Linear layers to adapt, by name or wildcard (q_proj, c_attn, h.*.attn.c_proj) or all-linear. Left out: the
    /// architecture's attention projections (q_proj and v_proj; c_attn for gpt2; query and value for bert).
    /// </summary>
    [ItemCount(Min = 1, Max = 256)]
    [Pattern(Patterns.ModulePattern, Patterns.ModulePatternAccepted), Length(Min = 1, Max = 256)]
    public List<string>? TargetModules { get; set; }

    /// <summary>Rank-stabilised scaling alpha/√r (Kalajdzievski, 2023).</summary>
    public bool RsLora { get; set; }

    /// <summary>Modules trained in full and saved with the adapter, e.g. a classification head (score, classifier).</summary>
    [ItemCount(Max = 64)]
    [Pattern(Patterns.ModulePattern, Patterns.ModulePatternAccepted), Length(Min = 1, Max = 256)]
    public List<string>? ModulesToSave { get; set; }
}
