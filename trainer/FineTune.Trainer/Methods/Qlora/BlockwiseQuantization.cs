using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qlora;

/// <summary>
/// Block-wise absmax quantization to 4 bits (Dettmers et al., 2023, section 2): the flattened weights are cut into
/// blocks of blockSize; each block keeps its absolute maximum s (fp32) and every weight w the code of the value nearest
/// to w / s; dequantization is value(code) · s. All tensor operations, no per-element loop.
/// </summary>
public static class BlockwiseQuantization
{
    /// <summary>Packed codes (uint8, numel/2) and per-block absmax (fp32, numel/blockSize) of <paramref name="weight"/>.</summary>
    public static (Tensor Packed, Tensor Absmax) Quantize(Tensor weight, FourBitCodeBook codeBook, int blockSize)
    {
        if (weight.numel() % blockSize != 0)
            throw new ArgumentException($"block size {blockSize} does not divide the {weight.numel()} weights.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var blocks = weight.detach().to(ScalarType.Float32).reshape(-1, blockSize);
        var absmax = blocks.abs().amax([1]);
        // An all-zero block keeps scale 0 (it decodes to zeros); dividing by 1 instead avoids 0/0.
        var divisor = where(absmax.gt(0), absmax, ones_like(absmax));
        var codes = codeBook.Encode(blocks.div(divisor.unsqueeze(1)));
        var packed = NibblePacking.Pack(codes.reshape(-1));
        return (packed.MoveToOuterDisposeScope(), absmax.MoveToOuterDisposeScope());
    }

    /// <summary>The fp32 weights of <paramref name="packed"/> with <paramref name="absmax"/>, in <paramref name="shape"/>.</summary>
    public static Tensor Dequantize(Tensor packed, Tensor absmax, FourBitCodeBook codeBook, int blockSize, long[] shape)
    {
        using var scope = NewDisposeScope();
        var values = codeBook.Decode(NibblePacking.Unpack(packed)).view(-1, blockSize);
        return values.mul_(absmax.unsqueeze(1)).view(shape).MoveToOuterDisposeScope();
    }
}
