using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Frozen;
using FineTune.Trainer.Tests.Training;

namespace FineTune.Trainer.Tests.Methods.Frozen;

public sealed class FrozenMethodTests
{
    private static IReadOnlyList<string> Trainable(FrozenOptions options, string architecture = "gpt2") =>
        new FrozenMethod(options).TrainableParameterNames(TrainingSetup.Model(architecture));

    [Fact]
    public void Trains_the_top_layers_and_the_final_norm_but_not_the_embeddings_or_bottom_layers()
    {
        var names = Trainable(new FrozenOptions { TrainableLayers = 1 });
        Assert.Contains("transformer.h.1.attn.c_attn.weight", names);
        Assert.Contains("transformer.ln_f.weight", names);
        Assert.DoesNotContain(names, n => n.StartsWith("transformer.h.0.", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("transformer.wte", StringComparison.Ordinal) || n.StartsWith("transformer.wpe", StringComparison.Ordinal));
    }

    [Fact]
    public void An_untied_head_trains_with_the_top_layers()
    {
        var names = Trainable(new FrozenOptions { TrainableLayers = 1 }, "llama");
        Assert.Contains("lm_head.weight", names);
        Assert.Contains("model.norm.weight", names);
        Assert.DoesNotContain("model.embed_tokens.weight", names);
        Assert.DoesNotContain(names, n => n.StartsWith("model.layers.0.", StringComparison.Ordinal));
    }

    [Fact]
    public void Embeddings_and_pattern_matched_modules_train_when_asked()
    {
        var names = Trainable(new FrozenOptions { TrainableLayers = 0, TrainEmbeddings = true, TrainableModules = ["h.*.ln_1"] });
        Assert.Contains("transformer.wte.weight", names);
        Assert.Contains("transformer.h.0.ln_1.weight", names);
        Assert.Contains("transformer.h.1.ln_1.bias", names);
        Assert.DoesNotContain("transformer.h.0.ln_2.weight", names);
        Assert.DoesNotContain("transformer.h.1.attn.c_attn.weight", names);
    }

    [Fact]
    public void A_pattern_that_matches_nothing_is_an_error_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => Trainable(new FrozenOptions { TrainableModules = ["q_proj"] }));
        Assert.Contains("frozen.trainableModules: 'q_proj' matches no parameter of the gpt2 model", error.Message);
        Assert.Contains("transformer.h.0.attn", error.Message);
    }

    [Fact]
    public void More_trainable_layers_than_the_model_has_is_an_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Trainable(new FrozenOptions { TrainableLayers = 5 }));
        Assert.Contains("frozen.trainableLayers: 5, but the gpt2 model has 2 layers", error.Message);
    }
}
