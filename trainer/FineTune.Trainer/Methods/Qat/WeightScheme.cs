using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qat;

/// <summary>
/// How a linear layer's weight is quantized: a <see cref="QuantGrid"/> and the groups sharing one scale. Group size 0
/// means one scale (and zero point) per output channel; otherwise consecutive runs of <see cref="GroupSize"/> input
/// features of one output channel share one. Weights are handled as [out, in] whatever the layer's layout (GPT-2's
/// Conv1D stores [in, out]), so "per output channel" means the same thing for every architecture.
/// </summary>
/// <param name="Grid">The integer grid.</param>
/// <param name="GroupSize">Input features per scale; 0 for one scale per output channel.</param>
public sealed record WeightScheme(QuantGrid Grid, int GroupSize)
{
    /// <summary>Input features covered by one scale in a layer with <paramref name="inFeatures"/> inputs.</summary>
    public long GroupWidth(long inFeatures) => GroupSize == 0 ? inFeatures : GroupSize;

    /// <summary>
    /// The fake-quantized weight (straight-through gradients) of <paramref name="weight"/> in its own layout and dtype;
    /// scales come from the weight as it is now (min-max observer), so the grid follows training.
    /// </summary>
    public Tensor FakeQuantize(Tensor weight, bool fanInFanOut)
    {
        using var scope = NewDisposeScope();
        var grouped = Grouped(weight, fanInFanOut);
        using var parameters = Observe(grouped);
        var quantized = Qat.FakeQuantize.Apply(grouped, parameters, Grid);
        return Ungrouped(quantized, weight, fanInFanOut).to(weight.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The integer form of <paramref name="weight"/>: codes in the weight's own layout, and scales and zero points
    /// [out, groups] (float32 tensors, no gradient).
    /// </summary>
    public QuantizedWeight Quantize(Tensor weight, bool fanInFanOut)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var grouped = Grouped(weight, fanInFanOut);
        using var parameters = Observe(grouped);
        var codes = Ungrouped(Qat.FakeQuantize.Codes(grouped, parameters, Grid), weight, fanInFanOut).contiguous();
        return new QuantizedWeight(codes.MoveToOuterDisposeScope(), parameters.Scale.squeeze(-1).MoveToOuterDisposeScope(),
            parameters.ZeroPoint.squeeze(-1).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The weight <paramref name="quantized"/> stands for, in the layout given by <paramref name="fanInFanOut"/>:
    /// the same float32 operations as the fake-quantized forward, so the values match it bit for bit.
    /// </summary>
    public Tensor Dequantize(QuantizedWeight quantized, bool fanInFanOut)
    {
        using var scope = NewDisposeScope();
        var codes = quantized.Codes.to(ScalarType.Float32);
        var grouped = Grouped(codes, fanInFanOut);
        using var parameters = new QuantParameters(quantized.Scale.to(ScalarType.Float32).unsqueeze(-1),
            quantized.ZeroPoint.to(ScalarType.Float32).unsqueeze(-1));
        var values = Qat.FakeQuantize.Dequantize(grouped, parameters);
        return Ungrouped(values, codes, fanInFanOut).contiguous().MoveToOuterDisposeScope();
    }

    private QuantParameters Observe(Tensor grouped)
    {
        using var noGrad = no_grad();
        using var detached = grouped.detach();
        return QuantParameters.Observe(detached, Grid);
    }

    // [out, in] view of the weight in float32, split into [out, groups, width].
    private Tensor Grouped(Tensor weight, bool fanInFanOut)
    {
        var outIn = (fanInFanOut ? weight.t() : weight).to(ScalarType.Float32);
        long outFeatures = outIn.shape[0], inFeatures = outIn.shape[1];
        var width = GroupWidth(inFeatures);
        return outIn.reshape(outFeatures, inFeatures / width, width);
    }

    private static Tensor Ungrouped(Tensor grouped, Tensor like, bool fanInFanOut)
    {
        var outFeatures = fanInFanOut ? like.shape[1] : like.shape[0];
        var outIn = grouped.reshape(outFeatures, -1);
        return fanInFanOut ? outIn.t() : outIn;
    }
}
