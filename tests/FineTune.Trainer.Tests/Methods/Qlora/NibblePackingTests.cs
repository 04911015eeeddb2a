using FineTune.Trainer.Methods.Qlora;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Qlora;

/// <summary>Two 4-bit codes per byte, bit exact.</summary>
public sealed class NibblePackingTests
{
    [Fact]
    public void First_code_of_a_pair_goes_to_the_high_nibble()
    {
        using var codes = tensor(new byte[] { 0x1, 0x2, 0xF, 0x0, 0x0, 0xF, 0xA, 0x5 });

        using var packed = NibblePacking.Pack(codes);

        Assert.Equal(new byte[] { 0x12, 0xF0, 0x0F, 0xA5 }, packed.data<byte>().ToArray());
    }

    [Fact]
    public void Unpacking_returns_every_code_bit_for_bit()
    {
        manual_seed(4);
        using var codes = randint(0, 16, [10_000], ScalarType.Byte);

        using var packed = NibblePacking.Pack(codes);
        using var unpacked = NibblePacking.Unpack(packed);

        Assert.Equal(ScalarType.Byte, packed.dtype);
        Assert.Equal(5_000, packed.numel());
        Assert.Equal(codes.data<byte>().ToArray(), unpacked.data<byte>().ToArray());
    }

    [Fact]
    public void An_odd_number_of_codes_is_refused()
    {
        using var codes = zeros(3, ScalarType.Byte);
        var error = Assert.Throws<ArgumentException>(() => NibblePacking.Pack(codes));
        Assert.Contains("even number of codes; got 3", error.Message);
    }
}
