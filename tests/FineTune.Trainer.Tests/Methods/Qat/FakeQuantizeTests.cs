using FineTune.Trainer.Methods.Qat;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Qat;

/// <summary>The quantizer's mathematics: grids, round-trip error, zero, end points and the straight-through gradient.</summary>
public sealed class FakeQuantizeTests
{
    public static TheoryData<int, bool, int> Schemes => new()
    {
        { 8, true, 0 }, { 8, false, 0 }, { 4, true, 0 }, { 4, false, 0 }, { 4, true, 32 }, { 4, false, 32 }, { 8, false, 64 },
    };

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Quantized_weights_take_at_most_2_to_the_bits_values_per_channel_or_group(int bits, bool symmetric, int groupSize)
    {
        var scheme = new WeightScheme(new QuantGrid(bits, symmetric), groupSize);
        using var weight = Weight();
        using var values = scheme.FakeQuantize(weight, fanInFanOut: false);

        var width = scheme.GroupWidth(weight.shape[1]);
        using var groups = values.reshape(weight.shape[0], -1, width);
        var levels = symmetric ? (1 << bits) - 1 : 1 << bits;
        var most = 0;
        for (var o = 0; o < groups.shape[0]; o++)
            for (var g = 0; g < groups.shape[1]; g++)
                most = Math.Max(most, groups[o, g].data<float>().ToArray().Distinct().Count());
        Assert.InRange(most, 2, levels);
        // Every value is a whole multiple of its group's scale away from the zero point: it lies on the grid.
        using var quantized = scheme.Quantize(weight, fanInFanOut: false);
        using var codes = quantized.Codes;
        Assert.True(codes.eq(codes.round()).all().item<bool>(), "codes are not whole numbers");
        Assert.True(codes.min().item<float>() >= scheme.Grid.QMin && codes.max().item<float>() <= scheme.Grid.QMax, "codes leave the grid");
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Round_trip_error_is_at_most_half_a_scale_per_element(int bits, bool symmetric, int groupSize)
    {
        var scheme = new WeightScheme(new QuantGrid(bits, symmetric), groupSize);
        using var weight = Weight();
        using var values = scheme.FakeQuantize(weight, fanInFanOut: false);
        using var quantized = scheme.Quantize(weight, fanInFanOut: false);

        var width = scheme.GroupWidth(weight.shape[1]);
        using var error = values.sub(weight).abs().reshape(weight.shape[0], -1, width);
        using var bound = quantized.Scale.unsqueeze(-1).mul(0.5 * (1 + 1e-5));
        Assert.True(error.le(bound).all().item<bool>(), $"largest error / scale: {error.div(quantized.Scale.unsqueeze(-1)).max().item<float>()}");
        Assert.True(error.max().item<float>() > 0, "quantization changed nothing: the test weight is already on the grid");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(4)]
    public void Symmetric_grids_map_zero_to_zero_and_are_symmetric(int bits)
    {
        var scheme = new WeightScheme(new QuantGrid(bits, Symmetric: true), 0);
        using var weight = Weight();
        using (no_grad()) weight[.., ..5] = zeros(weight.shape[0], 5);
        using var values = scheme.FakeQuantize(weight, fanInFanOut: false);
        using var mirrored = scheme.FakeQuantize(weight.neg(), fanInFanOut: false);
        using var quantized = scheme.Quantize(weight, fanInFanOut: false);

        Assert.True(values[.., ..5].eq(0).all().item<bool>(), "zero weights did not stay zero");
        Assert.True(quantized.ZeroPoint.eq(0).all().item<bool>(), "a symmetric grid has a non-zero zero point");
        Assert.True(mirrored.eq(values.neg()).all().item<bool>(), "q(-w) differs from -q(w)");
        // The largest magnitude of each channel is exact: it sits on ±qmax.
        using var largest = weight.abs().amax([1]);
        using var quantizedLargest = values.abs().amax([1]);
        Assert.True(quantizedLargest.sub(largest).abs().le(largest.mul(1e-6)).all().item<bool>(), "the channel's largest magnitude is not on the grid");
    }

    [Theory]
    [InlineData(8, 0)]
    [InlineData(4, 0)]
    [InlineData(4, 32)]
    public void Asymmetric_min_and_max_land_on_the_end_codes_within_half_a_scale(int bits, int groupSize)
    {
        var grid = new QuantGrid(bits, Symmetric: false);
        var scheme = new WeightScheme(grid, groupSize);
        using var weight = Weight().add(0.03); // skewed, as asymmetric grids are for; every group still holds both signs
        using var quantized = scheme.Quantize(weight, fanInFanOut: false);
        using var values = scheme.FakeQuantize(weight, fanInFanOut: false);

        var width = scheme.GroupWidth(weight.shape[1]);
        using var groups = weight.reshape(weight.shape[0], -1, width);
        using var codes = quantized.Codes.reshape(weight.shape[0], -1, width);
        using var quantizedGroups = values.reshape(weight.shape[0], -1, width);
        var (low, lowAt) = groups.min(-1, keepdim: true);
        var (high, highAt) = groups.max(-1, keepdim: true);
        Assert.True(codes.gather(-1, lowAt).eq(grid.QMin).all().item<bool>(), "a group's minimum is not on the lowest code");
        Assert.True(codes.gather(-1, highAt).eq(grid.QMax).all().item<bool>(), "a group's maximum is not on the highest code");
        using var halfScale = quantized.Scale.unsqueeze(-1).mul(0.5 * (1 + 1e-5));
        Assert.True(quantizedGroups.gather(-1, lowAt).sub(low).abs().le(halfScale).all().item<bool>(), "minimum off by more than scale/2");
        Assert.True(quantizedGroups.gather(-1, highAt).sub(high).abs().le(halfScale).all().item<bool>(), "maximum off by more than scale/2");
        // Zero stays exact on an asymmetric grid too: the zero point is a whole code.
        using var zeroCode = zeros(1, 1, 1).div(quantized.Scale.unsqueeze(-1)).add(quantized.ZeroPoint.unsqueeze(-1)).round();
        Assert.True(zeroCode.sub(quantized.ZeroPoint.unsqueeze(-1)).mul(quantized.Scale.unsqueeze(-1)).eq(0).all().item<bool>());
    }

    [Fact]
    public void Straight_through_gradient_is_the_identity_inside_the_range_and_zero_outside()
    {
        var grid = new QuantGrid(4, Symmetric: true); // codes -7..7
        using var parameters = new QuantParameters(full(1, 1, 0.1f), zeros(1, 1));
        using var x = linspace(-1.2, 1.2, 49).reshape(1, 49).requires_grad_();
        using var upstream = randn(1, 49);
        using var plain = x.detach().clone().requires_grad_();

        using var quantized = FakeQuantize.Apply(x, parameters, grid);
        quantized.mul(upstream).sum().backward();
        plain.mul(upstream).sum().backward();

        // Inside: round(x / 0.1) in [-7, 7], i.e. |x| < 0.75; outside the gradient is cut.
        using var inside = x.detach().div(0.1).round().abs().le(7);
        Assert.True(x.grad!.masked_select(inside).Identical(plain.grad!.masked_select(inside)), "inside the range the gradient is not the identity's");
        Assert.True(x.grad!.masked_select(inside.logical_not()).eq(0).all().item<bool>(), "outside the range the gradient is not zero");
        Assert.True(inside.any().item<bool>() && inside.logical_not().any().item<bool>());
        Assert.True(quantized.detach().abs().max().item<float>() <= 0.7f + 1e-6f, "clipped values left the grid");
    }

    [Fact]
    public void Fake_quantized_values_equal_the_dequantized_codes_bit_for_bit_in_either_layout()
    {
        var scheme = new WeightScheme(new QuantGrid(4, Symmetric: false), 32);
        using var weight = Weight().requires_grad_();
        using var transposed = weight.detach().t().contiguous().requires_grad_();
        foreach (var (tensor, fanInFanOut) in new[] { (weight, false), (transposed, true) })
        {
            using var values = scheme.FakeQuantize(tensor, fanInFanOut);
            using var quantized = scheme.Quantize(tensor, fanInFanOut);
            using var restored = scheme.Dequantize(quantized, fanInFanOut);
            Assert.Equal(tensor.shape, quantized.Codes.shape);
            Assert.True(values.detach().Identical(restored), $"fanInFanOut={fanInFanOut}: dequantized codes differ from the forward values");
        }
        using var a = scheme.FakeQuantize(weight, false);
        using var b = scheme.FakeQuantize(transposed, true);
        Assert.True(a.detach().Identical(b.detach().t()), "the Conv1D layout is not grouped along the input dimension");
    }

    [Fact]
    public void Per_token_activation_quantization_treats_every_token_on_its_own()
    {
        var quantizer = new ActivationQuantizer(new QuantGrid(8, Symmetric: false));
        manual_seed(5);
        using var tokens = randn(2, 6, 16);
        using var all = quantizer.Apply(tokens);
        using var first = quantizer.Apply(tokens[0, 2..3]);
        using var scaled = tokens.clone();
        using (no_grad()) scaled[1] = scaled[1].mul(100);
        using var withLoudNeighbour = quantizer.Apply(scaled);

        Assert.True(all[0, 2..3].Identical(first), "a token's quantization depends on the rest of the batch");
        Assert.True(all[0].Identical(withLoudNeighbour[0]), "another sequence's range changed this sequence's quantization");
        Assert.False(all.Identical(tokens), "activations were not quantized");
    }

    // [out 24, in 64] with both signs in every group of 32.
    private static Tensor Weight()
    {
        manual_seed(11);
        return randn(24, 64).mul(0.05);
    }
}
