using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Layers;

/// <summary>
/// Rotary position embedding (Su et al. 2021, "RoFormer") in Hugging Face's Llama layout: frequencies
/// θ^(−2i/d) for i &lt; d/2, duplicated to width d, and x·cos + rotate_half(x)·sin with rotate_half(x) = [−x₂, x₁].
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly Tensor _inverseFrequencies; // [d/2], float32, CPU

    /// <summary>Creates the embedding for heads of width <paramref name="headDim"/> with base <paramref name="theta"/>.</summary>
    public RotaryEmbedding(int headDim, double theta)
    {
        using var exponents = arange(0, headDim, 2, ScalarType.Int64).to(ScalarType.Float32).div((float)headDim);
        _inverseFrequencies = pow((float)theta, exponents).reciprocal();
        _inverseFrequencies.DetachFromDisposeScope();
    }

    /// <summary>cos and sin for <paramref name="positionIds"/> [B, T], each [B, 1, T, d] in <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) CosSin(Tensor positionIds, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var inv = _inverseFrequencies.to(positionIds.device);
        var freqs = positionIds.to(ScalarType.Float32).unsqueeze(-1).mul(inv); // [B, T, d/2]
        var emb = cat(new[] { freqs, freqs }, -1).unsqueeze(1);                // [B, 1, T, d]
        var cos = emb.cos().to(dtype).MoveToOuterDisposeScope();
        var sin = emb.sin().to(dtype).MoveToOuterDisposeScope();
        return (cos, sin);
    }

    /// <summary>Rotates <paramref name="x"/> [B, H, T, d] by the given cos/sin.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = cat(new[] { x2.neg(), x1 }, -1);
        return x.mul(cos).add(rotated.mul(sin)).MoveToOuterDisposeScope();
    }
}
