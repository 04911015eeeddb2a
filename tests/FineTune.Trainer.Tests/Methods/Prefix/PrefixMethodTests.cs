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
    public void Virtual_tokens_and_sequence_beyond_the_position_table_name_the_field_and_both_lengths()
    {
        var model = Model("gpt2"); // 64 learned positions
        new PrefixMethod(new PrefixOptions { Variant = PrefixVariant.PtuningV2, VirtualTokens = 8 }).Apply(model);
        manual_seed(2);
        using var ids = randint(0, Vocab, [1, 60], ScalarType.Int64);

        var error = Assert.Throws<ArgumentException>(() => model.Forward(ids));
        Assert.Contains("spec.prefix.virtualTokens: 8 virtual tokens plus 60 sequence tokens", error.Message);
        Assert.Contains("the model has 64 (max_position_embeddings)", error.Message);
        using var fits = randint(0, Vocab, [1, 56], ScalarType.Int64);
        using var logits = model.Forward(fits);
        Assert.Equal([1L, 56, Vocab], logits.shape);
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
