using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Methods.Qlora;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using TorchSharp.PyBridge;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;
using static FineTune.Trainer.Tests.Methods.Qlora.QloraTestSupport;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Qlora;

/// <summary>The qlora method: registry, quantization error, exports and the adapter config.</summary>
public sealed class QloraMethodTests
{
    [Fact]
    public void Quantization_error_is_the_mean_absolute_error_of_the_target_weights()
    {
        var options = Options(o => o.TargetModules = ["all-linear"]);
        var original = Model("llama");
        var rounded = RoundedBase("llama", options);
        var targets = original.Module.named_parameters().Where(p => p.name.EndsWith("proj.weight", StringComparison.Ordinal))
            .Select(p => p.name).ToArray();
        var roundedWeights = rounded.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var originalWeights = original.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        double sum = 0;
        long count = 0;
        foreach (var name in targets)
        {
            using var diff = roundedWeights[name].sub(originalWeights[name]).abs().sum();
            sum += diff.item<float>();
            count += originalWeights[name].numel();
        }
        var method = (QloraMethod)MethodRegistry.Create(Spec(options));

        Assert.Null(method.StepMetrics(original));
        method.Apply(original);

        var reported = method.StepMetrics(original)!.QuantizationError!.Value;
        Assert.Equal(sum / count, reported, 1e-6);
        Assert.True(reported > 0);
    }

    [Fact]
    public void Merged_export_holds_the_dequantized_base_plus_the_update_in_fp32()
    {
        var model = Model("llama");
        var method = new QloraMethod(Options());
        Train(model, method);
        var layer = QloraMethod.Layers(model)[0];
        using var dequantized = layer.weight.Dequantize(ScalarType.Float32);
        using var delta = layer.DeltaWeight();
        using var dir = new TempDirectory();

        method.Export(model, dir.Path, SaveMode.Merged);

        var tensors = Safetensors.LoadStateDict(Path.Combine(dir.Path, CheckpointFiles.Safetensors));
        var written = tensors["model.layers.0.self_attn.q_proj.weight"];
        Assert.Equal(ScalarType.Float32, written.dtype);
        Assert.True(MaxDifference(written, dequantized.add(delta)) < 1e-7);
        Assert.DoesNotContain(tensors.Keys, k => k.Contains("lora_") || k.Contains("absmax") || k.Contains("packed"));
        var (loaded, _) = HuggingFaceCheckpoint.Load(dir.Path);
        Assert.Equal(model.Config.ModelType, loaded.Config.ModelType);
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void Adapter_config_is_peft_lora_with_the_4_bit_settings_and_loads_back_as_qlora()
    {
        var options = Options(o => { o.QuantType = QuantType.Fp4; o.BlockSize = 32; o.DoubleQuant = false; o.ComputeDtype = Precision.Bf16; });
        var model = Model("gpt2");
        var method = new QloraMethod(options);
        Train(model, method);
        using var dir = new TempDirectory();

        method.Export(model, dir.Path, method.ResolveSave(null));

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, AdapterFiles.Config)))!.AsObject();
        Assert.Equal("LORA", (string)json["peft_type"]!);
        Assert.Null(json["base_model_name_or_path"]);
        var quantization = json["quantization_config"]!.AsObject();
        Assert.Equal("bitsandbytes", (string)quantization["quant_method"]!);
        Assert.True((bool)quantization["load_in_4bit"]!);
        Assert.Equal("fp4", (string)quantization["bnb_4bit_quant_type"]!);
        Assert.False((bool)quantization["bnb_4bit_use_double_quant"]!);
        Assert.Equal("bfloat16", (string)quantization["bnb_4bit_compute_dtype"]!);
        Assert.Equal(32, (int)quantization["bnb_4bit_blocksize"]!);

        var reread = Assert.IsType<QloraMethod>(PeftRegistry.Create(PeftConfig.Read(dir.Path)));
        Assert.Equal(QuantType.Fp4, reread.Options.QuantType);
        Assert.Equal(32, reread.Options.BlockSize);
        Assert.False(reread.Options.DoubleQuant);
        Assert.Equal(Precision.Bf16, reread.Options.ComputeDtype);
        Assert.Equal(options.Rank, reread.Options.Rank);
    }

    [Fact]
    public void A_plain_lora_adapter_still_loads_as_lora()
    {
        var model = Model("gpt2");
        var lora = MethodRegistry.Create(Peft.PeftTestSupport.Spec(FineTuneMethod.Lora, s => s.Lora = new LoraOptions { Rank = 2 }));
        lora.Apply(model);
        var config = ((IPeftMethod)lora).ToConfig(model);

        Assert.IsType<FineTune.Trainer.Methods.Lora.LoraMethod>(PeftRegistry.Create(config));
    }

    [Fact]
    public void Bad_options_name_the_qlora_field()
    {
        var model = Model("llama");

        var target = Assert.Throws<PeftException>(() => new QloraMethod(Options(o => o.TargetModules = ["nothing"])).Apply(model));
        var block = Assert.Throws<PeftException>(() => new QloraMethod(Options(o => o.BlockSize = 48)).Apply(model));

        Assert.StartsWith("qlora.targetModules: 'nothing' matches no linear layer of the llama model", target.Message);
        Assert.Equal("qlora.blockSize: 48; expected one of 32, 64, 128, 256.", block.Message);
    }
}
