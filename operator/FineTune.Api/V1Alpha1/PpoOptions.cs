using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>Proximal policy optimisation against a reward model with a KL penalty to the reference policy.</summary>
public sealed class PpoOptions
{
    /// <summary>Weight of the per-token KL penalty to the reference policy.</summary>
    [Minimum(0), Maximum(10)]
    public double KlCoef { get; set; } = 0.05;

    /// <summary>Clipping range epsilon of the policy ratio.</summary>
    [Minimum(0, Exclusive = true), Maximum(1, Exclusive = true)]
    public double ClipRange { get; set; } = 0.2;

    /// <summary>Weight of the value-function loss.</summary>
    [Minimum(0), Maximum(10)]
    public double ValueCoef { get; set; } = 0.1;

    /// <summary>Discount factor.</summary>
    [Minimum(0), Maximum(1)]
    public double Gamma { get; set; } = 1.0;

    /// <summary>GAE lambda.</summary>
    [Minimum(0), Maximum(1)]
    public double Lambda { get; set; } = 0.95;

    /// <summary>Optimisation passes over each rollout batch.</summary>
    [Minimum(1), Maximum(64)]
    public int PpoEpochs { get; set; } = 4;

    /// <summary>Prompts sampled per rollout.</summary>
    [Minimum(1), Maximum(4096)]
    public int RolloutBatchSize { get; set; } = 16;

    /// <summary>Longest sampled response.</summary>
    [Minimum(1), Maximum(8192)]
    public int MaxNewTokens { get; set; } = 64;

    /// <summary>Sampling temperature of rollouts.</summary>
    [Minimum(0, Exclusive = true), Maximum(2)]
    public double Temperature { get; set; } = 1.0;
}
