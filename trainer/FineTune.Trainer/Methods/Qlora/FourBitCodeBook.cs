using FineTune.Api.V1Alpha1;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qlora;

/// <summary>
/// The 16 values a 4-bit code stands for, on [-1, 1] (a block's weights are divided by their absolute maximum first).
/// NF4 (Dettmers et al., 2023, arXiv 2305.14314, section 3 and appendix E): quantiles of N(0, 1) so that every code is
/// equally likely for normally distributed weights, with an exact zero: 8 positive levels from the quantiles of
/// [δ, 1/2] and 7 negative ones from [δ, 1/2] (δ = ½(1 − 1/32 + 1 − 1/30) ≈ 0.9677, the mean of the two
/// asymmetric halves' end points), each half normalised to ±1. FP4 is the e2m1 float (1 sign, 2 exponent, 1 mantissa
/// bit: 0, 0.5, 1, 1.5, 2, 3, 4, 6) divided by 6; code = sign bit · 8 + the e2m1 bits.
/// Encoding picks the nearest value (ties to the lower one) with one vectorised bucketize over the midpoints.
/// </summary>
public sealed class FourBitCodeBook
{
    /// <summary>NF4, code 0 … 15 in increasing order (the paper's and bitsandbytes' table).</summary>
    public static FourBitCodeBook Nf4 { get; } = new("nf4",
    [
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f, -0.28444138169288635f,
        -0.18477343022823334f, -0.09105003625154495f, 0.0f, 0.07958029955625534f, 0.16093020141124725f,
        0.2461123913526535f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    ]);

    /// <summary>FP4 (e2m1 / 6): codes 0 … 7 the positive values, 8 … 15 their negatives (8 is −0).</summary>
    public static FourBitCodeBook Fp4 { get; } = new("fp4",
    [
        0f, 0.5f / 6, 1f / 6, 1.5f / 6, 2f / 6, 3f / 6, 4f / 6, 1f,
        -0f, -0.5f / 6, -1f / 6, -1.5f / 6, -2f / 6, -3f / 6, -4f / 6, -1f,
    ]);

    private readonly float[] _sortedValues;
    private readonly long[] _sortedCodes;
    private readonly float[] _midpoints;

    private FourBitCodeBook(string name, float[] values)
    {
        Name = name;
        Values = values;
        // Distinct values in increasing order with the first code that stands for each (FP4's −0 folds onto +0).
        var distinct = values.Select((v, code) => (Value: v, Code: (long)code))
            .GroupBy(e => e.Value).Select(g => g.First()).OrderBy(e => e.Value).ToArray();
        _sortedValues = distinct.Select(e => e.Value).ToArray();
        _sortedCodes = distinct.Select(e => e.Code).ToArray();
        _midpoints = _sortedValues.Zip(_sortedValues.Skip(1), (a, b) => (a + b) / 2).ToArray();
    }

    /// <summary>nf4 or fp4.</summary>
    public string Name { get; }

    /// <summary>The value of each code 0 … 15.</summary>
    public IReadOnlyList<float> Values { get; }

    /// <summary>The code book of <paramref name="type"/>.</summary>
    public static FourBitCodeBook For(QuantType type) => type == QuantType.Fp4 ? Fp4 : Nf4;

    /// <summary>The code (uint8, 0 … 15) of the nearest value for every element of <paramref name="normalized"/> (in [-1, 1]).</summary>
    public Tensor Encode(Tensor normalized)
    {
        using var scope = NewDisposeScope();
        var midpoints = tensor(_midpoints, device: normalized.device);
        var codes = tensor(_sortedCodes, device: normalized.device);
        var position = bucketize(normalized.to(ScalarType.Float32), midpoints);
        return codes.index(position).to(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    /// <summary>The values of <paramref name="codes"/> (any integer type) as fp32.</summary>
    public Tensor Decode(Tensor codes)
    {
        using var scope = NewDisposeScope();
        var table = tensor(Values.ToArray(), device: codes.device);
        return table.index(codes.to(ScalarType.Int64)).MoveToOuterDisposeScope();
    }

    /// <summary>The largest gap between neighbouring values: twice the worst rounding error on [-1, 1].</summary>
    public float LargestGap => _sortedValues.Zip(_sortedValues.Skip(1), (a, b) => b - a).Max();
}
