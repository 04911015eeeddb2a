using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qlora;

/// <summary>
/// Double quantization (Dettmers et al., 2023, section 3): the fp32 absmax scales of the 4-bit blocks are themselves
/// quantized to 8 bits in blocks of 256, after subtracting their mean (the scales are all positive, so centring them
/// uses the 8-bit range on both sides, as bitsandbytes does). This uses a symmetric linear 8-bit code: per block of 256
/// centred scales c with maximum |c| = t, code q = round(127 · c / t) + 128 (uint8, 1 … 255), so every scale comes back
/// within t / 254. Cost per weight at blockSize 64: 8/64 + 32/(64·256) = 0.127 bits instead of 32/64 = 0.5.
/// </summary>
public static class DoubleQuantization
{
    /// <summary>Scales per second-level block.</summary>
    public const int BlockSize = 256;

    private const int Levels = 127;
    private const int Zero = 128;

    /// <summary>
    /// The 8-bit codes (uint8, one per scale), the fp32 maximum of each block of 256 centred scales, and the fp32 mean
    /// that was subtracted (shape [1]).
    /// </summary>
    public static (Tensor Codes, Tensor BlockMax, Tensor Offset) Quantize(Tensor scales)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var count = scales.numel();
        var offset = scales.mean().reshape(1);
        var centred = scales.sub(offset);
        var padded = nn.functional.pad(centred, [0, Padding(count)]).view(-1, BlockSize);
        var blockMax = padded.abs().amax([1]);
        var divisor = where(blockMax.gt(0), blockMax, ones_like(blockMax));
        var codes = padded.div(divisor.unsqueeze(1)).mul(Levels).round().clamp(-Levels, Levels).add(Zero).to(ScalarType.Byte)
            .reshape(-1)[..(int)count];
        return (codes.MoveToOuterDisposeScope(), blockMax.MoveToOuterDisposeScope(), offset.MoveToOuterDisposeScope());
    }

    /// <summary>The fp32 scales <paramref name="codes"/> stand for.</summary>
    public static Tensor Dequantize(Tensor codes, Tensor blockMax, Tensor offset)
    {
        using var scope = NewDisposeScope();
        var count = codes.numel();
        var padded = nn.functional.pad(codes.to(ScalarType.Float32).sub(Zero), [0, Padding(count)]).view(-1, BlockSize);
        var scales = padded.mul(blockMax.div(Levels).unsqueeze(1)).reshape(-1)[..(int)count];
        return scales.add(offset).MoveToOuterDisposeScope();
    }

    /// <summary>The largest error of a dequantized scale in a block whose centred maximum is <paramref name="blockMax"/>.</summary>
    public static double ErrorBound(double blockMax) => blockMax / (2.0 * Levels);

    private static long Padding(long count) => (BlockSize - count % BlockSize) % BlockSize;
}
