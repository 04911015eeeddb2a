using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qat;

/// <summary>
/// Scales and zero points of one quantized tensor, shaped to broadcast over the values they cover (for grouped
/// weights [out, groups, 1], for per-token activations [..., 1]); zero points are float tensors holding integers.
/// </summary>
public sealed record QuantParameters(Tensor Scale, Tensor ZeroPoint) : IDisposable
{
    /// <summary>
    /// Min-max observer on <paramref name="values"/> (float32, no gradient) reduced over the last dimension.
    /// Symmetric: scale = max|x| / qmax. Asymmetric: the range [min(x, 0), max(x, 0)] (it always holds zero, so zero
    /// is exact) spread over every code, zero point = round(qmin - min/scale) (within the grid because min ≤ 0 ≤ max);
    /// the observed min and max then land on the end codes within scale/2.
    /// </summary>
    public static QuantParameters Observe(Tensor values, QuantGrid grid)
    {
        using var scope = NewDisposeScope();
        Tensor scale, zeroPoint;
        if (grid.Symmetric)
        {
            scale = values.abs().amax([-1], keepdim: true).div_(grid.QMax).clamp_min_(QuantGrid.MinScale);
            zeroPoint = zeros_like(scale);
        }
        else
        {
            var low = values.amin([-1], keepdim: true).clamp_max_(0);
            var high = values.amax([-1], keepdim: true).clamp_min_(0);
            scale = high.sub(low).div_(grid.Levels - 1).clamp_min_(QuantGrid.MinScale);
            zeroPoint = low.div(scale).neg_().add_(grid.QMin).round_().clamp_(grid.QMin, grid.QMax);
        }
        return new QuantParameters(scale.MoveToOuterDisposeScope(), zeroPoint.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Scale.Dispose();
        ZeroPoint.Dispose();
    }
}
