using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace FineTune.Trainer.Methods.Qlora;

/// <summary>
/// rows [N, in] → rows · dequant(W₄)ᵀ [N, out] as an autograd function that keeps nothing of the weight for backward:
/// the gradient dequantizes W₄ again (bitsandbytes' matmul_4bit does the same), so a training step never holds more
/// than one dequantized weight at a time instead of one per quantized layer. The weight gets no gradient (frozen).
/// Arguments of <c>apply</c>: rows, the <see cref="QuantizedWeight"/>, the compute dtype, and whether the weight is in
/// Conv1D layout [in, out]; rows must already be in the compute dtype.
/// </summary>
public sealed class FourBitProjection : SingleTensorFunction<FourBitProjection>
{
    private const string WeightKey = "weight";
    private const string DtypeKey = "dtype";
    private const string LayoutKey = "fanInFanOut";

    /// <inheritdoc />
    public override string Name => nameof(FourBitProjection);

    /// <summary>rows · dequant(<paramref name="weight"/>)ᵀ, differentiable in <paramref name="rows"/>.</summary>
    public static Tensor Project(Tensor rows, QuantizedWeight weight, ScalarType dtype, bool fanInFanOut) =>
        apply(rows, weight, dtype, fanInFanOut);

    /// <inheritdoc />
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (rows, weight, dtype, fanInFanOut) = ((Tensor)vars[0], (QuantizedWeight)vars[1], (ScalarType)vars[2], (bool)vars[3]);
        ctx.save_data(WeightKey, weight);
        ctx.save_data(DtypeKey, dtype);
        ctx.save_data(LayoutKey, fanInFanOut);
        using var dense = weight.Dequantize(dtype);
        return fanInFanOut ? rows.mm(dense) : rows.mm(dense.t());
    }

    /// <inheritdoc />
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var weight = (QuantizedWeight)ctx.get_data(WeightKey);
        var dtype = (ScalarType)ctx.get_data(DtypeKey);
        var fanInFanOut = (bool)ctx.get_data(LayoutKey);
        using var dense = weight.Dequantize(dtype);
        var grad = fanInFanOut ? grad_output.mm(dense.t()) : grad_output.mm(dense);
        return [grad, null!, null!, null!];
    }
}
