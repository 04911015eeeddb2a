using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Tests.Checkpoints;

public sealed class ModelInitializerTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("mistral")]
    [InlineData("qwen2")]
    [InlineData("bert")]
    public void Init_writes_a_loadable_model_that_depends_only_on_the_seed(string architecture)
    {
        using var dir = new TempDirectory();
        var config = ModelPresets.Create(architecture, "tiny", vocabSize: 61, maxPositions: 64);
        ModelInitializer.Write(dir.Sub("a"), config, seed: 42);
        ModelInitializer.Write(dir.Sub("b"), config, seed: 42);
        ModelInitializer.Write(dir.Sub("c"), config, seed: 43);

        byte[] Weights(string d) => File.ReadAllBytes(Path.Combine(dir.Sub(d), "model.safetensors"));
        Assert.Equal(Weights("a"), Weights("b"));
        Assert.NotEqual(Weights("a"), Weights("c"));
        var (model, _) = HuggingFaceCheckpoint.Load(dir.Sub("a"));
        Assert.Equal(architecture, model.Config.ModelType);
    }

    [Fact]
    public void Init_calls_the_tokenizer_hook_with_the_model_directory()
    {
        using var dir = new TempDirectory();
        string? seen = null;
        ModelInitializer.Write(dir.Sub("m"), ModelPresets.Create("gpt2", "tiny", 61), seed: 1,
            writeTokenizerFiles: d => seen = d);
        Assert.Equal(dir.Sub("m"), seen);
    }

    [Fact]
    public void Init_draws_weights_at_the_configured_scale()
    {
        using var dir = new TempDirectory();
        var config = ModelPresets.Create("gpt2", "small", vocabSize: 512);
        ModelInitializer.Write(dir.Path, config, seed: 5);
        var (model, _) = HuggingFaceCheckpoint.Load(dir.Path);
        var weights = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        double std = weights["transformer.h.0.attn.c_attn.weight"].std().item<float>();
        double projStd = weights["transformer.h.0.attn.c_proj.weight"].std().item<float>();
        Assert.InRange(std, 0.019, 0.021);
        Assert.InRange(projStd, 0.02 / Math.Sqrt(8) * 0.95, 0.02 / Math.Sqrt(8) * 1.05); // scaled by 1/sqrt(2 n_layer)
        Assert.Equal(1.0f, weights["transformer.ln_f.weight"].mean().item<float>());
        Assert.Equal(0.0f, weights["transformer.h.0.mlp.c_fc.bias"].abs().sum().item<float>());
    }

    [Fact]
    public void Unknown_architecture_or_size_is_rejected_with_the_accepted_values()
    {
        var arch = Assert.Throws<ArgumentException>(() => ModelPresets.Create("t5", "tiny", 61));
        Assert.Contains("bert, gpt2, llama, mistral, qwen2", arch.Message);
        var size = Assert.Throws<ArgumentException>(() => ModelPresets.Create("gpt2", "huge", 61));
        Assert.Contains("tiny, small, base", size.Message);
    }
}
