using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;
using FineTune.Trainer.Methods.Upft;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;

namespace FineTune.Trainer.Tests.Methods.Upft;

/// <summary>Prompts read by the real reader with the byte-level tokenizer, a tiny model, and settings for sampler tests.</summary>
internal static class UpftTestData
{
    public static UpftSettings Settings(int prefixTokens = 4, double structureRatio = 0.25, int samplesPerPrompt = 2, int maxNewTokens = 12,
        double temperature = 1.0, long seed = 3, int sequenceLength = 96) => new()
    {
        PrefixTokens = prefixTokens,
        StructureRatio = structureRatio,
        SamplesPerPrompt = samplesPerPrompt,
        MaxNewTokens = maxNewTokens,
        Temperature = temperature,
        Seed = seed,
        SequenceLength = sequenceLength,
    };

    public static UpftPromptEncoder Encoder(ChatTemplate? template = ChatTemplate.Chatml) => new(TestTokenizers.ByteLevel, template);

    /// <summary><paramref name="count"/> prompts written to a file and read back through <see cref="UpftPrompts.Read"/>.</summary>
    public static IReadOnlyList<Example> Prompts(int count, UpftSettings settings, UpftPromptEncoder? encoder = null)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "prompts.jsonl");
        UpftJobFixture.WritePrompts(path, count);
        return UpftPrompts.Read(path, encoder ?? Encoder(), settings);
    }

    public static ICausalLanguageModel Model(long seed = 11) => (ICausalLanguageModel)TrainingSetup.Model("gpt2", seed);

    /// <summary>Samples <paramref name="prompts"/> with the chatml stop token, as the runner does.</summary>
    public static UpftSampleSet Sample(ICausalLanguageModel model, IReadOnlyList<Example> prompts, UpftSettings settings) =>
        UpftSampler.Sample(model, prompts, settings, Encoder().StopTokenId(), "test");
}
