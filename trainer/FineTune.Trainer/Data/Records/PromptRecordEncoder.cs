using System.Text.Json;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Data.Records;

/// <summary>Prompt-only records <c>{"prompt"}</c> (PPO rollouts, UPFT): the framed prompt, no targets, no EOS.</summary>
public sealed class PromptRecordEncoder(ITextTokenizer tokenizer) : IRecordEncoder
{
    /// <inheritdoc />
    public string ExpectedShape => """{"prompt": "..."}""";

    /// <inheritdoc />
    public Example Encode(JsonElement record, long line)
    {
        var prompt = JsonFields.RequireString(record, "prompt", ExpectedShape);
        if (prompt.Length == 0) throw new RecordException("field \"prompt\" is empty; expected the text to continue");
        var builder = new SequenceBuilder(tokenizer).Begin().Text(prompt, isTarget: false);
        var sequence = builder.End(endOfSequence: false);
        return new Example(sequence, line, PromptLength: sequence.Length);
    }
}
