using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Methods.Prompt;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using TorchSharp.PyBridge;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Prompt;

public sealed class PromptMethodTests
{
    private static PrefixOptions Prompt(int tokens, string? initText = null) =>
        new() { Variant = PrefixVariant.Prompt, VirtualTokens = tokens, InitText = initText };

    [Fact]
    public void Registry_builds_prompt_tuning_for_variant_prompt()
    {
        var method = MethodRegistry.Create(Spec(FineTuneMethod.Prefix, s => s.Prefix = Prompt(4)));
        Assert.IsType<PromptMethod>(method);
        Assert.Equal(4, method.VirtualTokens);
    }

    [Fact]
    public void Saved_adapter_is_the_peft_prompt_tuning_layout()
    {
        var model = Model("llama");
        var method = new PromptMethod(Prompt(5));
        method.Apply(model);
        using var dir = new TempDirectory();
        method.SaveAdapter(model, dir.Path);

        var config = PeftConfig.Read(dir.Path);
        Assert.Equal("PROMPT_TUNING", config.PeftType);
        Assert.Equal("CAUSAL_LM", config.TaskType);
        Assert.Equal(5, config.Int("num_virtual_tokens"));
        Assert.Equal(model.Config.HiddenSize, config.Int("token_dim"));
        Assert.Equal(1, config.Int("num_transformer_submodules"));
        Assert.Equal("RANDOM", config.String("prompt_tuning_init"));
        var tensors = Safetensors.LoadStateDict(Path.Combine(dir.Path, AdapterFiles.Weights));
        var (key, value) = Assert.Single(tensors);
        Assert.Equal("prompt_embeddings", key);
        Assert.Equal([5L, model.Config.HiddenSize], value.shape);
    }

    [Fact]
    public void Init_text_starts_the_prompt_from_its_token_embeddings_repeated_to_length()
    {
        var tokenizer = TestTokenizers.ByteLevel;
        var model = TrainingSetup.Model("gpt2");
        var method = new PromptMethod(Prompt(7, "abc"), tokenizer);
        method.Apply(model);

        var ids = tokenizer.Encode("abc", addSpecialTokens: true);
        var expectedIds = Enumerable.Range(0, 7).Select(i => (long)ids[i % ids.Count]).ToArray();
        using var noGrad = no_grad();
        using var expected = model.Embed(tensor(expectedIds));
        Assert.True(PromptMethod.Encoder(model)!.embedding.weight!.allclose(expected, 0, 0), "the prompt is not the text's embeddings");
        Assert.Equal("TEXT", method.ToConfig(model).String("prompt_tuning_init"));
    }

    [Fact]
    public void Init_text_without_a_tokenizer_names_the_field()
    {
        var error = Assert.Throws<PeftException>(() => new PromptMethod(Prompt(4, "classify the sentiment")).Apply(Model("gpt2")));
        Assert.Contains("prefix.initText", error.Message);
        Assert.Contains("tokenizer", error.Message);
    }

    [Fact]
    public void Virtual_tokens_and_sequence_beyond_the_position_table_name_the_field_and_both_lengths()
    {
        var model = Model("gpt2"); // 64 learned positions
        new PromptMethod(Prompt(10)).Apply(model);
        manual_seed(2);
        using var ids = randint(0, Vocab, [1, 60], ScalarType.Int64);

        var error = Assert.Throws<ArgumentException>(() => model.Forward(ids));
        Assert.Contains("spec.prefix.virtualTokens: 10 virtual tokens plus 60 sequence tokens", error.Message);
        Assert.Contains("the model has 64 (max_position_embeddings)", error.Message);
    }

    [Fact]
    public void Bert_classifier_takes_a_soft_prompt_and_switches_it_off()
    {
        manual_seed(4);
        var model = (ISequenceClassifier)ModelRegistry.Create(ModelPresets.Create("bert", "tiny", Vocab, maxPositions: 64));
        model.Module.eval();
        using var noGrad = no_grad();
        using var ids = Tokens();
        using var mask = ones(2, 12, ScalarType.Int64);
        using var baseLogits = model.Forward(ids, mask);
        var method = new PromptMethod(Prompt(4));
        method.Apply(model);

        using var prompted = model.Forward(ids, mask);
        method.SetAdapterEnabled(model, false);
        using var disabled = model.Forward(ids, mask);

        Assert.Equal(baseLogits.shape, prompted.shape);
        Assert.True(MaxDifference(baseLogits, prompted) > 1e-4, "the soft prompt changed nothing");
        Assert.True(MaxDifference(baseLogits, disabled) < 1e-6, "the disabled prompt still changes the outputs");
        Assert.Equal("SEQ_CLS", method.ToConfig(model).TaskType);
    }
}
