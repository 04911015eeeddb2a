using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qlora;

/// <summary>
/// Two 4-bit codes per byte, the first of each pair in the high nibble (bitsandbytes' order): byte = c₀·16 + c₁.
/// </summary>
public static class NibblePacking
{
    /// <summary>Packs <paramref name="codes"/> (uint8 values 0 … 15, an even count) into half as many bytes.</summary>
    public static Tensor Pack(Tensor codes)
    {
        if (codes.numel() % 2 != 0) throw new ArgumentException($"4-bit packing needs an even number of codes; got {codes.numel()}.");
        using var scope = NewDisposeScope();
        var pairs = codes.to(ScalarType.Byte).reshape(-1, 2);
        // At most 15·16 + 15 = 255: the arithmetic stays inside uint8.
        return pairs[.., 0].mul(16).add(pairs[.., 1]).MoveToOuterDisposeScope();
    }

    /// <summary>The codes of <paramref name="packed"/> (uint8), twice as many, in their original order.</summary>
    public static Tensor Unpack(Tensor packed)
    {
        using var scope = NewDisposeScope();
        var high = packed.floor_divide(16);
        var low = packed.remainder(16);
        return stack([high, low], 1).reshape(-1).MoveToOuterDisposeScope();
    }
}
