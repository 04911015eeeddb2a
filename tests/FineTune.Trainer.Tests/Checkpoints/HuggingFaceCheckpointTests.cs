using System.Text.Json.Nodes;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Models;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Checkpoints;

public sealed class HuggingFaceCheckpointTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("bert")]
    public void Saved_fp32_model_loads_back_with_identical_weights_and_config(string architecture)
    {
        using var dir = new TempDirectory();
        manual_seed(3);
        var model = ModelRegistry.Create(ModelPresets.Create(architecture, "tiny", vocabSize: 61, maxPositions: 64));
        HuggingFaceCheckpoint.Save(model, dir.Path);

        var (loaded, report) = HuggingFaceCheckpoint.Load(dir.Path);

        Assert.Empty(report.NewlyInitialized);
        Assert.Equal(Canonical(model.Config.ToJson()), Canonical(loaded.Config.ToJson()));
        var expected = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var actual = loaded.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected) Assert.True(tensor.eq(actual[name]).all().item<bool>(), name);
    }

    [Theory]
    [InlineData(WeightDType.BFloat16, ScalarType.BFloat16, "bfloat16")]
    [InlineData(WeightDType.Float16, ScalarType.Float16, "float16")]
    public void Half_precision_checkpoints_store_rounded_weights_and_load_back(WeightDType dtype, ScalarType scalar, string name)
    {
        using var dir = new TempDirectory();
        manual_seed(4);
        var model = ModelRegistry.Create(ModelPresets.Create("llama", "tiny", vocabSize: 61));
        HuggingFaceCheckpoint.Save(model, dir.Path, dtype);

        var onDisk = Safetensors.LoadStateDict(Path.Combine(dir.Path, "model.safetensors"));
        Assert.All(onDisk.Values, t => Assert.Equal(scalar, t.dtype));
        Assert.Equal(name, JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "config.json")))!["torch_dtype"]!.GetValue<string>());

        var (loaded, _) = HuggingFaceCheckpoint.Load(dir.Path);
        var original = model.Module.named_parameters().Single(p => p.name == "model.layers.0.self_attn.q_proj.weight").parameter;
        var restored = loaded.Module.named_parameters().Single(p => p.name == "model.layers.0.self_attn.q_proj.weight").parameter;
        Assert.Equal(ScalarType.Float32, restored.dtype);
        Assert.True(restored.eq(original.to(scalar).to(ScalarType.Float32)).all().item<bool>());
        Assert.False(restored.eq(original).all().item<bool>()); // really rounded, not stored in fp32
    }

    [Fact]
    public void Saved_safetensors_header_carries_the_pytorch_format_metadata()
    {
        using var dir = new TempDirectory();
        manual_seed(6);
        HuggingFaceCheckpoint.Save(ModelRegistry.Create(ModelPresets.Create("gpt2", "tiny", 61, 64)), dir.Path);

        var bytes = File.ReadAllBytes(Path.Combine(dir.Path, "model.safetensors"));
        long length = BitConverter.ToInt64(bytes, 0);
        var header = JsonNode.Parse(bytes.AsSpan(8, (int)length))!.AsObject();

        Assert.Equal(0, length % 8);
        Assert.Equal("pt", header["__metadata__"]!["format"]!.GetValue<string>());
        long dataEnd = header.Where(kv => kv.Key != "__metadata__")
            .Max(kv => kv.Value!["data_offsets"]![1]!.GetValue<long>());
        Assert.Equal(bytes.Length, 8 + length + dataEnd);
    }

    [Fact]
    public void Sharded_safetensors_with_an_index_load_like_a_single_file()
    {
        using var dir = CopyOfReference("llama");
        var single = Path.Combine(dir.Path, "model.safetensors");
        var tensors = Safetensors.LoadStateDict(single);
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var first = names.Take(names.Count / 2).ToDictionary(n => n, n => tensors[n]);
        var second = names.Skip(names.Count / 2).ToDictionary(n => n, n => tensors[n]);
        Safetensors.SaveStateDict(Path.Combine(dir.Path, "model-00001-of-00002.safetensors"), first);
        Safetensors.SaveStateDict(Path.Combine(dir.Path, "model-00002-of-00002.safetensors"), second);
        var map = new JsonObject();
        foreach (var n in first.Keys) map[n] = "model-00001-of-00002.safetensors";
        foreach (var n in second.Keys) map[n] = "model-00002-of-00002.safetensors";
        File.WriteAllText(Path.Combine(dir.Path, "model.safetensors.index.json"), new JsonObject { ["weight_map"] = map }.ToJsonString());
        var (reference, _) = HuggingFaceCheckpoint.Load(dir.Path);
        File.Delete(single);

        var (sharded, _) = HuggingFaceCheckpoint.Load(dir.Path);

        var expected = reference.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in sharded.Module.named_parameters())
            Assert.True(parameter.eq(expected[name]).all().item<bool>(), name);
    }

    [Fact]
    public void Missing_tensor_is_an_error_naming_it()
    {
        using var dir = CopyOfReference("llama");
        var path = Path.Combine(dir.Path, "model.safetensors");
        var tensors = Safetensors.LoadStateDict(path);
        tensors.Remove("model.layers.1.mlp.up_proj.weight");
        Safetensors.SaveStateDict(path, tensors);

        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Load(dir.Path));
        Assert.Contains("'model.layers.1.mlp.up_proj.weight'", error.Message);
        Assert.Contains("missing", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Unexpected_tensor_is_an_error_naming_it()
    {
        using var dir = CopyOfReference("llama");
        var path = Path.Combine(dir.Path, "model.safetensors");
        var tensors = Safetensors.LoadStateDict(path);
        tensors["model.layers.0.self_attn.q_proj.lora_A.weight"] = zeros(4, 32);
        Safetensors.SaveStateDict(path, tensors);

        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Load(dir.Path));
        Assert.Contains("'model.layers.0.self_attn.q_proj.lora_A.weight'", error.Message);
    }

    [Fact]
    public void Shape_mismatch_is_an_error_naming_the_tensor_and_both_shapes()
    {
        using var dir = CopyOfReference("gpt2");
        var configPath = Path.Combine(dir.Path, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["vocab_size"] = 100;
        File.WriteAllText(configPath, config.ToJsonString());

        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Load(dir.Path));
        Assert.Contains("'transformer.wte.weight'", error.Message);
        Assert.Contains("[97, 32]", error.Message);
        Assert.Contains("[100, 32]", error.Message);
    }

    [Fact]
    public void Unsupported_model_type_lists_the_supported_ones()
    {
        using var dir = CopyOfReference("gpt2");
        var configPath = Path.Combine(dir.Path, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["model_type"] = "t5";
        File.WriteAllText(configPath, config.ToJsonString());

        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Load(dir.Path));
        Assert.Contains("'t5'", error.Message);
        Assert.Contains("bert, gpt2, llama, mistral, qwen2", error.Message);
    }

    [Fact]
    public void Missing_files_are_errors_naming_the_path()
    {
        using var dir = new TempDirectory();
        var noConfig = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Load(dir.Path));
        Assert.Contains(Path.Combine(dir.Path, "config.json"), noConfig.Message);

        File.Copy(Path.Combine(ReferenceCaseDirectory("gpt2"), "config.json"), Path.Combine(dir.Path, "config.json"));
        var noWeights = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Load(dir.Path));
        Assert.Contains("model.safetensors", noWeights.Message);
    }

    [Fact]
    public void Bad_config_value_names_the_field_and_value()
    {
        using var dir = CopyOfReference("llama");
        var configPath = Path.Combine(dir.Path, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["num_key_value_heads"] = 3;
        File.WriteAllText(configPath, config.ToJsonString());

        var error = Assert.Throws<ModelFormatException>(() => HuggingFaceCheckpoint.Load(dir.Path));
        Assert.Contains("num_key_value_heads 3", error.Message);
    }

    [Fact]
    public void Bert_base_checkpoint_without_a_classifier_starts_the_head_fresh()
    {
        using var dir = CopyOfReference("bert");
        var path = Path.Combine(dir.Path, "model.safetensors");
        var tensors = Safetensors.LoadStateDict(path);
        tensors.Remove("classifier.weight");
        tensors.Remove("classifier.bias");
        tensors["cls.predictions.bias"] = zeros(97); // pre-training head, skipped
        Safetensors.SaveStateDict(path, tensors);

        var (_, report) = HuggingFaceCheckpoint.Load(dir.Path);

        Assert.Equal(new[] { "classifier.weight", "classifier.bias" }.Order(), report.NewlyInitialized.Order());
        Assert.Contains("cls.predictions.bias", report.Ignored);
    }

    /// <summary>The config's JSON with keys sorted and the storage-only torch_dtype removed.</summary>
    private static string Canonical(JsonObject json) =>
        new JsonObject(json.Where(kv => kv.Key != "torch_dtype").OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))).ToJsonString();

    private static string ReferenceCaseDirectory(string name) => Path.Combine(AppContext.BaseDirectory, "Models", "Reference", name);

    private static TempDirectory CopyOfReference(string name)
    {
        var dir = new TempDirectory();
        foreach (var file in Directory.GetFiles(ReferenceCaseDirectory(name)))
            File.Copy(file, Path.Combine(dir.Path, Path.GetFileName(file)));
        return dir;
    }
}
