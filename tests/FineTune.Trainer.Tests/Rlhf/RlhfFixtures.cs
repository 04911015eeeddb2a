using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;
using FineTune.Trainer.Tests.Data;

namespace FineTune.Trainer.Tests.Rlhf;

/// <summary>Reverse-words preference and prompt data read by the real data preparer with the byte-level tokenizer.</summary>
internal static class RlhfFixtures
{
    private static readonly Lazy<PreparedDataset> PreferenceData = new(() =>
    {
        using var dir = new TempDirectory();
        var train = Path.Combine(dir.Path, "train.jsonl");
        var validation = Path.Combine(dir.Path, "validation.jsonl");
        ReverseWordsPreferences.WritePreferences(train, 192, seed: 11);
        ReverseWordsPreferences.WritePreferences(validation, 48, seed: 12);
        return DatasetPreparer.Prepare(train, validation, TestTokenizers.ByteLevel,
            new DatasetOptions { Format = DatasetFormat.Preference, SequenceLength = 64 });
    });

    private static readonly Lazy<PreparedDataset> PromptData = new(() =>
    {
        using var dir = new TempDirectory();
        var train = Path.Combine(dir.Path, "prompts.jsonl");
        ReverseWordsPreferences.WritePrompts(train, 32, seed: 13);
        return DatasetPreparer.Prepare(train, null, TestTokenizers.ByteLevel,
            new DatasetOptions { Format = DatasetFormat.Prompt, SequenceLength = 64 });
    });

    /// <summary>192 training and 48 held-out pairs.</summary>
    public static PreparedDataset Preferences => PreferenceData.Value;

    /// <summary>32 prompts.</summary>
    public static PreparedDataset Prompts => PromptData.Value;
}
