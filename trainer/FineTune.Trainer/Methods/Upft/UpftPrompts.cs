using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;
using FineTune.Trainer.Jobs;

namespace FineTune.Trainer.Methods.Upft;

/// <summary>Reads the prompts file of spec.upft.promptsUri and checks that every prompt leaves room for its prefix.</summary>
public static class UpftPrompts
{
    /// <summary>
    /// The prompts of <paramref name="path"/> encoded by <paramref name="encoder"/>, in file order (blank lines skipped).
    /// </summary>
    /// <exception cref="DatasetException">A line is not a <c>{"prompt": "..."}</c> object, or the file has no prompt (file and line named).</exception>
    /// <exception cref="JobInputException">A prompt and prefixTokens together exceed the sequence length (file and line named).</exception>
    public static IReadOnlyList<Example> Read(string path, UpftPromptEncoder encoder, UpftSettings settings)
    {
        // Length is checked below against the prefix, so the reader itself neither truncates nor refuses a long prompt.
        var reader = new DatasetReader(encoder, new DatasetOptions
        {
            Format = DatasetFormat.Prompt,
            SequenceLength = int.MaxValue,
            Truncation = TruncationMode.Error,
        });
        var (prompts, _) = reader.Read(path);
        foreach (var prompt in prompts)
        {
            if (prompt.Sequence.Length + settings.PrefixTokens <= settings.SequenceLength) continue;
            throw new JobInputException(
                $"{path}:{prompt.Line}: the prompt has {prompt.Sequence.Length} tokens{(encoder.Template is { } t ? $" in the {t.ToString().ToLowerInvariant()} template" : "")}; " +
                $"with spec.upft.prefixTokens {settings.PrefixTokens} that exceeds spec.hyperparameters.sequenceLength {settings.SequenceLength}; " +
                $"expected prompts of at most {settings.SequenceLength - settings.PrefixTokens} tokens, or a longer sequenceLength.");
        }
        return prompts;
    }
}
