using System.Text.Json;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Data.Records;

/// <summary>
/// Preference records <c>{"prompt", "chosen", "rejected"}</c> for reward models and DPO: two sequences, prompt + chosen
/// and prompt + rejected, each ending in EOS; the prompt is never a target, the answers are.
/// </summary>
public sealed class PreferenceRecordEncoder(ITextTokenizer tokenizer) : IRecordEncoder
{
    /// <inheritdoc />
    public string ExpectedShape => """{"prompt": "...", "chosen": "...", "rejected": "..."}""";

    /// <inheritdoc />
    public Example Encode(JsonElement record, long line)
    {
        var prompt = JsonFields.RequireString(record, "prompt", ExpectedShape);
        var chosen = JsonFields.RequireString(record, "chosen", ExpectedShape);
        var rejected = JsonFields.RequireString(record, "rejected", ExpectedShape);
        if (chosen == rejected)
            throw new RecordException("fields \"chosen\" and \"rejected\" are the same text; expected two different answers");
        var promptIds = tokenizer.Encode(prompt);
        TokenSequence Answer(string answer) =>
            new SequenceBuilder(tokenizer).Begin().Append(promptIds, isTarget: false).Text(answer, isTarget: true).End(endOfSequence: true);
        return new Example(Answer(chosen), line, Rejected: Answer(rejected), PromptLength: tokenizer.SequencePrefix.Count + promptIds.Count);
    }
}
