using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// The clipped PPO objectives (Schulman et al., 2017) as masked means over response tokens. Policy:
/// max(-A·ρ, -A·clip(ρ, 1-ε, 1+ε)) with ρ = exp(log π - log π_old); value:
/// ½·max((V - R)², (clip(V, V_old - ε_v, V_old + ε_v) - R)²). Shapes: every input [batch, steps].
/// </summary>
public static class PpoLoss
{
    /// <summary>The policy loss and the share of tokens where the clipped term was the one taken (detached).</summary>
    public static (Tensor Loss, double ClipFraction) Policy(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask, double clipRange)
    {
        var ratio = (logProbs - oldLogProbs).exp();
        var unclipped = advantages.neg() * ratio;
        var clipped = advantages.neg() * ratio.clamp(1 - clipRange, 1 + clipRange);
        var loss = MaskedMean(maximum(unclipped, clipped), mask);
        double fraction;
        using (NewDisposeScope())
            fraction = MaskedMean(clipped.detach().gt(unclipped.detach()).to(ScalarType.Float32), mask).item<float>();
        return (loss, fraction);
    }

    /// <summary>The clipped value loss.</summary>
    public static Tensor Value(Tensor values, Tensor oldValues, Tensor returns, Tensor mask, double clipRange)
    {
        var clippedValues = oldValues + (values - oldValues).clamp(-clipRange, clipRange);
        var loss = maximum((values - returns).pow(2), (clippedValues - returns).pow(2));
        return MaskedMean(loss, mask) * 0.5;
    }

    /// <summary>Mean of <paramref name="values"/> over the positions where <paramref name="mask"/> is 1.</summary>
    public static Tensor MaskedMean(Tensor values, Tensor mask) => (values * mask).sum() / mask.sum().clamp_min(1);
}
