using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qat;

/// <summary>
/// Quantize-dequantize with the clipped straight-through estimator (Bengio et al., 2013; Jacob et al., 2018,
/// arXiv 1712.05877): code = clamp(round(x / scale + zero_point), qmin, qmax), forward value (code - zero_point) · scale;
/// backward passes the gradient unchanged where round(x / scale + zero_point) lies inside [qmin, qmax] and zero
/// where it was clipped (the mask torch.fake_quantize_per_channel_affine uses). Scales and zero points are constants
/// to autograd.
/// </summary>
public static class FakeQuantize
{
    /// <summary>The integer codes of <paramref name="values"/> (a float tensor of whole numbers, no gradient).</summary>
    public static Tensor Codes(Tensor values, QuantParameters parameters, QuantGrid grid)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return Unclamped(values, parameters).clamp_(grid.QMin, grid.QMax).MoveToOuterDisposeScope();
    }

    /// <summary>(code - zero_point) · scale: the value a code stands for.</summary>
    public static Tensor Dequantize(Tensor codes, QuantParameters parameters)
    {
        using var scope = NewDisposeScope();
        return codes.sub(parameters.ZeroPoint).mul_(parameters.Scale).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The fake-quantized <paramref name="values"/> (float32, any shape that <paramref name="parameters"/> broadcast
    /// over). The forward value is exactly <see cref="Dequantize"/> of <see cref="Codes"/>, bit for bit (the gradient
    /// path is added as t - t.detach(), which is exactly zero), so an exported integer model reproduces it.
    /// </summary>
    public static Tensor Apply(Tensor values, QuantParameters parameters, QuantGrid grid)
    {
        using var scope = NewDisposeScope();
        Tensor dequantized, inside;
        using (no_grad())
        {
            var unclamped = Unclamped(values, parameters);
            inside = unclamped.ge(grid.QMin).logical_and_(unclamped.le(grid.QMax)).to(values.dtype);
            dequantized = Dequantize(unclamped.clamp_(grid.QMin, grid.QMax), parameters);
        }
        if (!values.requires_grad) return dequantized.MoveToOuterDisposeScope();
        var passed = values.mul(inside);
        return dequantized.add(passed.sub(passed.detach())).MoveToOuterDisposeScope();
    }

    private static Tensor Unclamped(Tensor values, QuantParameters parameters) =>
        values.detach().div(parameters.Scale).add_(parameters.ZeroPoint).round_();
}
