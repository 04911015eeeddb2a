using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Methods.Qat;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using TorchSharp.PyBridge;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Qat;

/// <summary>The int8 and fp32 exports: what they store, that they reproduce the fake-quant model, and bad files.</summary>
public sealed class QatCheckpointTests
{
    [Theory]
    [InlineData("gpt2", 4, true, 32)]
    [InlineData("gpt2", 8, false, 0)]
    [InlineData("llama", 4, false, 0)]
    public void Int8_export_stores_codes_scales_and_zero_points_that_dequantize_to_the_fake_quant_weights(string architecture, int bits, bool symmetric, int groupSize)
    {
        var model = Model(architecture);
        var method = QatTestSupport.Method(bits, symmetric, groupSize, activationBits: 8);
        Train(model, method);
        using var dir = new TempDirectory();
        method.Export(model, dir.Path, SaveMode.Merged);

        var block = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, CheckpointFiles.Config)))![QatCheckpoint.ConfigKey]!;
        Assert.Equal(QatCheckpoint.QuantMethod, block["quant_method"]!.GetValue<string>());
        Assert.Equal(bits, block["weight_bits"]!.GetValue<int>());
        Assert.Equal(groupSize, block["group_size"]!.GetValue<int>());
        Assert.Equal(symmetric, block["symmetric"]!.GetValue<bool>());
        Assert.Equal(8, block["activation_bits"]!.GetValue<int>());
        var tensors = Safetensors.LoadStateDict(Path.Combine(dir.Path, CheckpointFiles.Safetensors));
        var layers = QatTargets.Layers(model);
        Assert.Equal(layers.Select(l => l.Path), block["modules"]!.AsArray().Select(m => m!.GetValue<string>()));
        var quantizedNames = layers.SelectMany(l => new[] { l.Path + ".weight", l.Path + QatCheckpoint.ZeroPointSuffix }).ToHashSet();
        Assert.All(tensors.Where(t => !quantizedNames.Contains(t.Key)), t => Assert.Equal(ScalarType.Float32, t.Value.dtype));
        var grid = method.WeightScheme.Grid;
        foreach (var (path, layer) in layers)
        {
            var codes = tensors[path + ".weight"];
            var scale = tensors[path + QatCheckpoint.ScaleSuffix];
            Assert.Equal(ScalarType.Int8, codes.dtype);
            Assert.Equal(ScalarType.Float32, scale.dtype);
            Assert.True(codes.min().item<sbyte>() >= grid.QMin && codes.max().item<sbyte>() <= grid.QMax, $"{path}: codes leave [{grid.QMin}, {grid.QMax}]");
            var zeroPoint = tensors.GetValueOrDefault(path + QatCheckpoint.ZeroPointSuffix);
            Assert.Equal(symmetric, zeroPoint is null);
            using var quantized = new QuantizedWeight(codes, scale, zeroPoint ?? zeros_like(scale));
            using var restored = method.WeightScheme.Dequantize(quantized, layer.FanInFanOut);
            using var forward = layer.QuantizedWeightValues();
            Assert.True(restored.Identical(forward), $"{path}: dequantized export differs from the fake-quant forward weights");
        }
    }

    [Theory]
    [InlineData("gpt2", QatExport.Int8)]
    [InlineData("gpt2", QatExport.Fp32)]
    [InlineData("llama", QatExport.Int8)]
    [InlineData("llama", QatExport.Fp32)]
    public void Exports_load_as_plain_models_with_the_fake_quant_models_outputs(string architecture, QatExport export)
    {
        var model = Model(architecture);
        var method = QatTestSupport.Method(bits: 4, symmetric: false, export: export);
        Train(model, method);
        using var expected = Logits(model);
        using var dir = new TempDirectory();
        method.Export(model, dir.Path, method.ResolveSave(null));

        var (loaded, _) = HuggingFaceCheckpoint.Load(dir.Path);
        using var actual = Logits((ICausalLanguageModel)loaded);
        Assert.True(MaxDifference(expected, actual) < 1e-5, $"{export} export differs by {MaxDifference(expected, actual)}");
        Assert.Null(loaded.Config.Extra[QatCheckpoint.ConfigKey]);
        // Saved again, the dequantized model is an ordinary fp32 model that loads the same.
        using var again = new TempDirectory();
        HuggingFaceCheckpoint.Save(loaded, again.Path);
        using var reloaded = Logits((ICausalLanguageModel)HuggingFaceCheckpoint.Load(again.Path).Model);
        Assert.True(actual.Identical(reloaded), "re-saving the loaded int8 model changed it");
    }

    [Fact]
    public void An_int8_export_missing_a_scale_is_an_error_that_names_the_tensor()
    {
        var model = Model("gpt2");
        var method = QatTestSupport.Method();
        method.Apply(model);
        using var dir = new TempDirectory();
        method.Export(model, dir.Path, SaveMode.Merged);
        var file = Path.Combine(dir.Path, CheckpointFiles.Safetensors);
        var tensors = Safetensors.LoadStateDict(file);
        tensors.Remove("transformer.h.1.mlp.c_fc" + QatCheckpoint.ScaleSuffix);
        Safetensors.SaveStateDict(file, tensors);

        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Load(dir.Path));
        Assert.Contains("transformer.h.1.mlp.c_fc.weight_scale", error.Message);
        Assert.Contains(CheckpointFiles.Safetensors, error.Message);
    }

    [Fact]
    public void Adapter_export_is_refused_because_qat_trains_the_whole_model()
    {
        var method = QatTestSupport.Method();
        var error = Assert.Throws<NotSupportedException>(() => method.ResolveSave(SaveMode.Adapter));
        Assert.Contains("output.save must be merged", error.Message);
        Assert.Equal(SaveMode.Merged, method.ResolveSave(null));
    }
}
