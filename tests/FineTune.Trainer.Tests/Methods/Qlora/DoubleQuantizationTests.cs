using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Qlora;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Qlora;

/// <summary>8-bit quantization of the absmax scales and what it saves per weight.</summary>
public sealed class DoubleQuantizationTests
{
    [Fact]
    public void Scales_come_back_within_half_an_8_bit_step_of_their_block()
    {
        manual_seed(6);
        // 600 scales: two full blocks of 256 and a partial one.
        using var scales = rand(600).mul(0.05).add(0.01);

        var (codes, blockMax, offset) = DoubleQuantization.Quantize(scales);
        using var restored = DoubleQuantization.Dequantize(codes, blockMax, offset);

        Assert.Equal(ScalarType.Byte, codes.dtype);
        Assert.Equal(600, codes.numel());
        Assert.Equal(3, blockMax.numel());
        Assert.Equal(scales.mean().item<float>(), offset.item<float>(), 6);
        using var error = restored.sub(scales).abs();
        for (var block = 0; block < 3; block++)
        {
            var bound = DoubleQuantization.ErrorBound(blockMax[block].item<float>()) + 1e-7;
            var worst = error[(block * 256)..Math.Min(600, (block + 1) * 256)].max().item<float>();
            Assert.True(worst <= bound, $"block {block}: error {worst:G4} above the 8-bit bound {bound:G4}");
        }
        Assert.True(error.max().item<float>() > 0, "8-bit scales cannot all be exact");
        foreach (var t in new[] { codes, blockMax, offset }) t.Dispose();
    }

    [Theory]
    [InlineData(true, 4.127)]
    [InlineData(false, 4.5)]
    public void Storage_costs_the_papers_bits_per_weight_at_block_size_64(bool doubleQuant, double bits)
    {
        // Dettmers et al. 2023, section 3: 32/64 = 0.5 bits of scales per weight, 8/64 + 32/(64·256) = 0.127 with double quantization.
        manual_seed(7);
        using var weight = randn(256, 1024);

        using var quantized = QuantizedWeight.Quantize(weight, QuantType.Nf4, 64, doubleQuant);

        Assert.Equal(bits, quantized.BitsPerWeight, 3);
        Assert.Equal(doubleQuant, quantized.DoubleQuantized);
    }

    [Fact]
    public void Double_quantized_weights_stay_close_to_the_single_quantized_ones()
    {
        manual_seed(8);
        using var weight = randn(64, 1024).mul(0.02);
        using var single = QuantizedWeight.Quantize(weight, QuantType.Nf4, 64, doubleQuant: false);
        using var nested = QuantizedWeight.Quantize(weight, QuantType.Nf4, 64, doubleQuant: true);

        using var a = single.Dequantize(ScalarType.Float32);
        using var b = nested.Dequantize(ScalarType.Float32);
        using var singleError = a.sub(weight).abs().mean();
        using var nestedError = b.sub(weight).abs().mean();

        // The scales move by at most half an 8-bit step of their spread: the weights' error grows by well under 5 %.
        Assert.True(nestedError.item<float>() < 1.05 * singleError.item<float>(),
            $"double quantization raised the error from {singleError.item<float>():G4} to {nestedError.item<float>():G4}");
        Assert.False(a.allclose(b, 0, 0));
    }
}
