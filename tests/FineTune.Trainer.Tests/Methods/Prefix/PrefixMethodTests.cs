using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Methods.Prefix;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using TorchSharp.PyBridge;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Prefix;

public sealed class PrefixMethodTests
{
    [Theory]
    [InlineData("gpt2", PrefixVariant.Prefix)]
    [InlineData("llama", PrefixVariant.PtuningV2)]
    public void Generation_with_the_cache_matches_the_full_forward(string architecture, PrefixVariant variant)
    {
        var model = Model(architecture);
        var method = new PrefixMethod(new PrefixOptions { Variant = variant, VirtualTokens = 3, ProjectionHiddenSize = 8 });
        Train(model, method, steps: 2);
        using var ids = Tokens();
        using var noGrad = no_grad();
        using var full = model.Forward(ids);

        using var cache = new KeyValueCache(model.Config.NumLayers);
        using var first = model.Forward(ids[.., ..8], cache: cache);
        using var next = model.Forward(ids[.., 8..9], cache: cache);
        Assert.True(MaxDifference(full[.., 7], first[.., 7]) < 1e-5);
        Assert.True(MaxDifference(full[.., 8], next[.., 0]) < 1e-5, "the cached step differs from the full forward");
    }

    [Fact]
    public void Padding_on_the_left_does_not_change_the_real_tokens_outputs()
    {
        var model = Model("llama");
        var method = new PrefixMethod(new PrefixOptions { Variant = PrefixVariant.PtuningV2, VirtualTokens = 3 });
        method.Apply(model);
        using var noGrad = no_grad();
        using var ids = Tokens();
        var row = ids[..1, 4..];
        using var alone = model.Forward(row);
        using var mask = cat(new[] { zeros(1, 4, ScalarType.Int64), ones(1, 8, ScalarType.Int64) }, 1);
        using var positions = cat(new[] { zeros(1, 4, ScalarType.Int64), arange(8L).unsqueeze(0) }, 1);
        using var padded = model.Forward(ids[..1], mask, positions);
        Assert.True(MaxDifference(alone, padded[.., 4..]) < 1e-5, "padding leaked into the real tokens' attention");
    }

    [Fact]
    public void Saved_adapter_is_the_peft_prefix_layout_with_the_mlp_applied()
    {
        var model = Model("gpt2");
        var method = new PrefixMethod(new PrefixOptions { VirtualTokens = 4, ProjectionHiddenSize = 16 });
        method.Apply(model);
        using var dir = new TempDirectory();
        method.SaveAdapter(model, dir.Path);

        var config = PeftConfig.Read(dir.Path);
        Assert.Equal("PREFIX_TUNING", config.PeftType);
        Assert.Equal(4, config.Int("num_virtual_tokens"));
        Assert.True(config.Bool("prefix_projection"));
        var tensors = Safetensors.LoadStateDict(Path.Combine(dir.Path, AdapterFiles.Weights));
        Assert.Equal([4L, 2L * 2 * 64], Assert.Single(tensors).Value.shape);
    }

    [Fact]
    public void Prompt_variant_is_refused_until_models_take_input_embeddings()
    {
        var error = Assert.Throws<NotSupportedException>(() =>
            new PrefixMethod(new PrefixOptions { Variant = PrefixVariant.Prompt }).Apply(Model("gpt2")));
        Assert.Contains("prefix.variant: 'prompt'", error.Message);
    }

    [Fact]
    public void Adapter_with_other_virtual_tokens_names_the_tensor_and_both_shapes()
    {
        var model = Model("llama");
        new PrefixMethod(new PrefixOptions { Variant = PrefixVariant.PtuningV2, VirtualTokens = 5 }).Apply(model);
        using var dir = new TempDirectory();
        new PrefixMethod(new PrefixOptions { Variant = PrefixVariant.PtuningV2, VirtualTokens = 5 }).SaveAdapter(model, dir.Path);
        manual_seed(1);
        var other = (ICausalLanguageModel)ModelRegistry.Create(ModelPresets.Create("llama", "tiny", Vocab, 64) with { NumLayers = 3 });

        var error = Assert.Throws<PeftException>(() => PeftRegistry.LoadAdapter(other, dir.Path));
        Assert.Contains("'prompt_embeddings' has shape [5, 128]", error.Message);
        Assert.Contains("[5, 192]", error.Message);
    }
}
