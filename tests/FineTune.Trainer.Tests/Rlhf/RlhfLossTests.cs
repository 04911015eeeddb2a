using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Rlhf;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Rlhf;

/// <summary>The alignment losses against values worked out by hand from their formulas.</summary>
public sealed class RlhfLossTests
{
    private static Tensor T(params float[] values) => tensor(values);
    private static Tensor Row(params float[] values) => tensor(values).unsqueeze(0);
    private static double NegLogSigmoid(double x) => Math.Log(1 + Math.Exp(-x));

    [Fact]
    public void Pairwise_loss_is_the_mean_negative_log_sigmoid_of_the_reward_differences()
    {
        using var scope = NewDisposeScope();
        var loss = PreferenceLoss.Pairwise(T(2, 0), T(1, 1)).item<float>();
        Assert.Equal((NegLogSigmoid(1) + NegLogSigmoid(-1)) / 2, loss, 5);
        Assert.Equal(0.81326, loss, 4);
        Assert.Equal(0.5, PreferenceLoss.Accuracy(T(2, 0), T(1, 1)), 6);
    }

    [Fact]
    public void Gae_matches_the_backward_recursion_on_a_short_episode()
    {
        using var scope = NewDisposeScope();
        var (advantages, returns) = Gae.Compute(Row(0, 0, 1), Row(0.5f, 0.4f, 0.3f), Row(1, 1, 1), gamma: 1.0, lambda: 0.5);
        // δ2 = 1 - 0.3 = 0.7; δ1 = 0.3 - 0.4 = -0.1, A1 = -0.1 + 0.5·0.7 = 0.25; δ0 = 0.4 - 0.5, A0 = -0.1 + 0.5·0.25.
        Assert.Equal([0.025f, 0.25f, 0.7f], advantages[0].data<float>().ToArray(), new FloatTolerance(1e-5f));
        Assert.Equal([0.525f, 0.65f, 1.0f], returns[0].data<float>().ToArray(), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void Gae_treats_positions_outside_the_mask_as_after_the_episode()
    {
        using var scope = NewDisposeScope();
        var (advantages, _) = Gae.Compute(Row(1, 2, 5), Row(0, 0, 9), Row(1, 1, 0), gamma: 0.9, lambda: 1.0);
        // The masked step's reward 5 and value 9 do not exist: A1 = 2, A0 = 1 + 0.9·2.
        Assert.Equal([2.8f, 2f, 0f], advantages[0].data<float>().ToArray(), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void Ppo_policy_loss_clips_the_ratio_at_one_plus_and_minus_epsilon()
    {
        using var scope = NewDisposeScope();
        var oldLogProbs = Row(0, 0, 0, 0);
        var ratios = new[] { 1.3, 1.1, 0.7, 1.0 };
        var logProbs = Row(ratios.Select(r => (float)Math.Log(r)).ToArray()).requires_grad_();
        var advantages = Row(1, 1, -1, 1);
        var (loss, clipFraction) = PpoLoss.Policy(logProbs, oldLogProbs, advantages, Row(1, 1, 1, 1), clipRange: 0.2);
        // Per token: -min(1.3, 1.2)·1, -1.1·1, -min(-0.7, -0.8) = 0.8, -1.0.
        Assert.Equal((-1.2 - 1.1 + 0.8 - 1.0) / 4, loss.item<float>(), 5);
        Assert.Equal(0.5, clipFraction, 6);
        loss.backward();
        var gradient = logProbs.grad!.data<float>().ToArray();
        Assert.Equal(0f, gradient[0]);                  // clipped: no push further up
        Assert.Equal(-1.1f / 4, gradient[1], 5);        // inside the range: -A·ρ / n
        Assert.Equal(0f, gradient[2]);                  // clipped on the low side
    }

    [Fact]
    public void Ppo_value_loss_takes_the_worse_of_the_clipped_and_unclipped_error()
    {
        using var scope = NewDisposeScope();
        // V = 1 from V_old = 0 with ε = 0.2: clipped V = 0.2; errors to R = 2: 1 and 3.24; ½·max = 1.62.
        var loss = PpoLoss.Value(Row(1, 5), Row(0, 0), Row(2, 0), Row(1, 0), clipRange: 0.2).item<float>();
        Assert.Equal(1.62, loss, 5);
    }

    [Theory]
    [InlineData(DpoLoss.Sigmoid, 0.0, 0.3132617)]   // -log σ(β·h), β = 0.5, h = 2
    [InlineData(DpoLoss.Sigmoid, 0.1, 0.4132617)]   // 0.9·(-log σ(1)) + 0.1·(-log σ(-1))
    [InlineData(DpoLoss.Ipo, 0.0, 1.0)]             // (h - 1/(2β))² = (2 - 1)²
    public void Dpo_loss_matches_its_reference_formula(DpoLoss lossType, double labelSmoothing, double expected)
    {
        using var scope = NewDisposeScope();
        var (loss, chosen, rejected) = DirectPreferenceLoss.Compute(T(-1), T(-3), T(-2), T(-2), beta: 0.5, lossType, labelSmoothing);
        Assert.Equal(expected, loss.item<float>(), 5);
        Assert.Equal(0.5, chosen.item<float>(), 6);
        Assert.Equal(-0.5, rejected.item<float>(), 6);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
