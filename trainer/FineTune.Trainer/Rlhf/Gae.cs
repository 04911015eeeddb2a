using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// Generalised advantage estimation (Schulman et al., 2016) over response tokens:
/// δ_t = r_t + γ V_{t+1} - V_t, A_t = δ_t + γλ A_{t+1}, returns = A + V. Positions outside the mask are the end of the
/// episode (V and A after the last response token are 0) and get advantage 0.
/// </summary>
public static class Gae
{
    /// <summary>
    /// Advantages and returns for <paramref name="rewards"/>, <paramref name="values"/> and <paramref name="mask"/>
    /// (1 for response tokens), all [batch, steps]; results are detached, same shape.
    /// </summary>
    public static (Tensor Advantages, Tensor Returns) Compute(Tensor rewards, Tensor values, Tensor mask, double gamma, double lambda)
    {
        using var noGrad = no_grad();
        var steps = (int)rewards.shape[1];
        var r = rewards.to(ScalarType.Float32) * mask;
        var v = values.to(ScalarType.Float32).detach() * mask;
        var columns = new Tensor[steps];
        var nextAdvantage = zeros_like(r[.., 0]);
        var nextValue = zeros_like(r[.., 0]);
        for (var t = steps - 1; t >= 0; t--)
        {
            var m = mask[.., t];
            var delta = r[.., t] + nextValue * gamma - v[.., t];
            var advantage = (delta + nextAdvantage * (gamma * lambda)) * m;
            columns[t] = advantage;
            nextAdvantage = advantage;
            nextValue = v[.., t];
        }
        var advantages = stack(columns, 1);
        return (advantages, advantages + v);
    }
}
