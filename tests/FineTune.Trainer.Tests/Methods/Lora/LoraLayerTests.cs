using FineTune.Trainer.Methods.Lora;
using FineTune.Trainer.Methods.Peft;
using TorchSharp.Modules;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Lora;

/// <summary>The fused forward/backward path of <see cref="LoraLayer"/> against the plain formula.</summary>
public sealed class LoraLayerTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Output_and_gradients_equal_the_unfused_formula(bool fanInFanOut, bool withBias)
    {
        const int inFeatures = 12, outFeatures = 20, rank = 4;
        const double scaling = 2.5;
        manual_seed(11);
        using var frozen = fanInFanOut ? randn(inFeatures, outFeatures) : randn(outFeatures, inFeatures);
        using var frozenBias = randn(outFeatures);
        var layer = new LoraLayer(
            new LinearWeights(new Parameter(frozen.clone(), requires_grad: false), withBias ? new Parameter(frozenBias.clone(), requires_grad: false) : null, fanInFanOut),
            rank, scaling, dropout: 0);
        using (no_grad()) layer.lora_B.weight!.normal_(); // B starts at zero; a non-zero B exercises the update path
        using var a = layer.lora_A.weight!.detach().clone().requires_grad_(true);
        using var b = layer.lora_B.weight!.detach().clone().requires_grad_(true);
        using var x = randn(2, 5, inFeatures).requires_grad_(true);
        using var xRef = x.detach().clone().requires_grad_(true);
        using var upstream = randn(2, 5, outFeatures);

        using var actual = layer.forward(x);
        actual.mul(upstream).sum().backward();
        var dense = fanInFanOut ? xRef.matmul(frozen) : xRef.matmul(frozen.t());
        if (withBias) dense = dense.add(frozenBias);
        using var expected = dense.add(xRef.matmul(a.t()).matmul(b.t()).mul(scaling));
        expected.mul(upstream).sum().backward();

        Assert.Equal(new long[] { 2, 5, outFeatures }, actual.shape);
        Assert.True(MaxDifference(expected, actual) < 1e-4, $"output differs by {MaxDifference(expected, actual)}");
        Assert.True(MaxDifference(xRef.grad!, x.grad!) < 1e-4, $"input gradient differs by {MaxDifference(xRef.grad!, x.grad!)}");
        Assert.True(MaxDifference(a.grad!, layer.lora_A.weight!.grad!) < 1e-4, "lora_A gradient differs");
        Assert.True(MaxDifference(b.grad!, layer.lora_B.weight!.grad!) < 1e-4, "lora_B gradient differs");
    }

    [Fact]
    public void Frozen_base_weight_and_bias_never_get_a_gradient()
    {
        var layer = new LoraLayer(
            new LinearWeights(new Parameter(randn(8, 6), requires_grad: false), new Parameter(randn(6), requires_grad: false), FanInFanOut: true),
            rank: 2, scaling: 1, dropout: 0);
        using var x = randn(3, 8);

        layer.forward(x).sum().backward();

        Assert.Null(layer.weight.grad);
        Assert.Null(layer.bias!.grad);
        Assert.NotNull(layer.lora_A.weight!.grad);
    }
}
