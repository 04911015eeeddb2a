using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Methods.Qlora;
using FineTune.Trainer.Models;
using TorchSharp;
using TorchSharp.Modules;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;
using static FineTune.Trainer.Tests.Methods.Qlora.QloraTestSupport;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Qlora;

/// <summary>The 4-bit base with LoRA on top: outputs, memory, merge, dtype handling, gradients.</summary>
public sealed class QloraLayerTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void Zero_initialised_lora_on_the_4_bit_base_equals_the_dequantized_base_model_exactly(string architecture)
    {
        var options = Options(o => o.TargetModules = ["all-linear"]);
        var reference = RoundedBase(architecture, options);
        using var expected = Logits(reference);
        var model = Model(architecture);

        new QloraMethod(options).Apply(model);

        using var actual = Logits(model);
        Assert.True(actual.allclose(expected, 0, 0), $"outputs differ by {MaxDifference(expected, actual)}");
    }

    [Fact]
    public void Merged_layer_equals_base_plus_lora_and_unmerging_restores_it()
    {
        var layer = TrainedLayer(out var x);
        using var unmerged = layer.forward(x);

        layer.Merge();
        using var merged = layer.forward(x);
        layer.Unmerge();
        using var again = layer.forward(x);

        Assert.True(MaxDifference(unmerged, merged) < 1e-5, $"merged differs by {MaxDifference(unmerged, merged)}");
        Assert.True(unmerged.allclose(again, 0, 0), "unmerging did not restore the two-branch outputs");
    }

    [Fact]
    public void Output_and_gradients_equal_the_dequantized_formula()
    {
        var layer = TrainedLayer(out var x);
        using var dense = layer.weight.Dequantize(ScalarType.Float32);
        using var a = layer.lora_A.weight!.detach().clone().requires_grad_(true);
        using var b = layer.lora_B.weight!.detach().clone().requires_grad_(true);
        var input = x.detach().clone().requires_grad_(true);
        var reference = x.detach().clone().requires_grad_(true);

        using var actual = layer.forward(input);
        actual.sum().backward();
        using var expected = reference.matmul(dense).add(layer.bias!.detach())
            .add(reference.matmul(a.t()).matmul(b.t()).mul(layer.Scaling));
        expected.sum().backward();

        Assert.True(MaxDifference(expected, actual) < 1e-5);
        Assert.True(MaxDifference(reference.grad!, input.grad!) < 1e-5, "input gradient differs");
        Assert.True(MaxDifference(a.grad!, layer.lora_A.weight!.grad!) < 1e-4, "lora_A gradient differs");
        Assert.True(MaxDifference(b.grad!, layer.lora_B.weight!.grad!) < 1e-4, "lora_B gradient differs");
        Assert.Null(layer.bias!.grad);
    }

    [Fact]
    public void Target_weights_take_an_eighth_of_their_fp32_bytes_plus_the_scales()
    {
        var model = Model("llama");
        var fp32Bytes = TargetWeightBytes(model, ["q_proj", "v_proj"]);
        var before = ModelBytes(model);

        new QloraMethod(Options()).Apply(model);

        var layers = QloraMethod.Layers(model);
        var quantizedBytes = layers.Sum(l => l.weight.StorageBytes);
        var weights = layers.Sum(l => l.weight.Count);
        Assert.Equal(4 * weights, fp32Bytes);
        // 4 bits per weight, 8-bit scales per 64 weights, one fp32 per 256 scales, one fp32 offset per layer.
        var expected = weights / 2 + weights / 64 + layers.Sum(l => 4L * ((l.weight.Count / 64 + 255) / 256) + 4);
        Assert.Equal(expected, quantizedBytes);
        Assert.InRange((double)quantizedBytes / fp32Bytes, 1.0 / 8, 1.0 / 8 + 0.01);
        // The model as a whole holds the 4-bit form instead of the fp32 weights (plus the small LoRA matrices).
        var lora = layers.Sum(l => 4L * (l.lora_A.weight!.numel() + l.lora_B.weight!.numel()));
        Assert.Equal(before - fp32Bytes + quantizedBytes + lora, ModelBytes(model));
    }

    [Fact]
    public void Casting_the_model_to_bf16_and_back_leaves_the_4_bit_storage_untouched()
    {
        var model = Model("llama");
        new QloraMethod(Options()).Apply(model);
        var layer = QloraMethod.Layers(model)[0];
        using var packed = layer.weight.packed.clone();
        using var scales = layer.weight.absmax.clone();
        using var nested = layer.weight.nested_absmax!.clone();

        model.Module.to(ScalarType.BFloat16);
        var castScales = layer.weight.nested_absmax!.dtype;
        var castAdapter = layer.lora_A.weight!.dtype;
        model.Module.to(ScalarType.Float32);

        Assert.Equal(ScalarType.Float32, castScales);
        Assert.Equal(ScalarType.BFloat16, castAdapter);
        Assert.True(layer.weight.packed.eq(packed).all().item<bool>() && layer.weight.absmax.eq(scales).all().item<bool>() && layer.weight.nested_absmax!.allclose(nested, 0, 0));
    }

    [Fact]
    public void Bf16_compute_runs_the_base_product_in_bf16_close_to_fp32()
    {
        var fp32 = Model("llama");
        new QloraMethod(Options()).Apply(fp32);
        var bf16 = Model("llama");
        new QloraMethod(Options(o => o.ComputeDtype = Precision.Bf16)).Apply(bf16);

        using var a = Logits(fp32);
        using var b = Logits(bf16);

        Assert.Equal(ScalarType.Float32, b.dtype);
        Assert.False(a.allclose(b, 0, 0), "bf16 compute gave bit-identical outputs: the compute dtype was not used");
        Assert.True(MaxDifference(a, b) < 0.05, $"bf16 compute differs from fp32 by {MaxDifference(a, b)}");
    }

    [Fact]
    public void A_block_size_that_does_not_divide_a_target_is_an_error_naming_the_module_its_shape_and_the_block_size()
    {
        using var odd = randn(48, 21);
        var weights = new LinearWeights(new Parameter(odd.clone(), requires_grad: false), null, FanInFanOut: false);

        var error = Assert.Throws<PeftException>(() =>
            new QloraLayer("model.layers.0.self_attn.q_proj", weights, QuantType.Nf4, 64, true, ScalarType.Float32, 2, 1, 0));

        Assert.Equal("qlora.blockSize: 64 does not divide the 1008 weights of target 'model.layers.0.self_attn.q_proj' (shape [48, 21]); " +
                     "expected a block size of 32, 64, 128 or 256 that divides every target's weight count, or targetModules without this layer.",
            error.Message);
    }

    // A Conv1D-layout layer with a bias and a non-zero B, and an input for it.
    private static QloraLayer TrainedLayer(out Tensor x)
    {
        manual_seed(9);
        var weights = new LinearWeights(new Parameter(randn(32, 48).mul(0.1), requires_grad: false),
            new Parameter(randn(48), requires_grad: false), FanInFanOut: true);
        var layer = new QloraLayer("h.0.attn.c_attn", weights, QuantType.Nf4, 64, true, ScalarType.Float32, 4, 2.0, 0);
        using (no_grad()) layer.lora_B.weight!.normal_();
        x = randn(3, 5, 32);
        return layer;
    }

    private static long TargetWeightBytes(ICausalLanguageModel model, string[] leaves) =>
        model.Module.named_parameters().Where(p => leaves.Any(l => p.name.EndsWith($".{l}.weight", StringComparison.Ordinal)))
            .Sum(p => p.parameter.numel() * p.parameter.ElementSize);

    private static long ModelBytes(ICausalLanguageModel model) =>
        model.Module.parameters().Sum(p => p.numel() * p.ElementSize) + model.Module.buffers().Sum(b => b.numel() * b.ElementSize);
}
