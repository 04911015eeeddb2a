using System.Text.Json;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Data.Records;

/// <summary>
/// Alpaca records <c>{"instruction", "input" (optional), "output"}</c>: the <see cref="InstructionPrompt"/> is
/// context (masked under completion-only loss), the output and EOS are targets.
/// </summary>
public sealed class InstructionRecordEncoder(ITextTokenizer tokenizer, bool completionOnlyLoss) : IRecordEncoder
{
    /// <inheritdoc />
    public string ExpectedShape => """{"instruction": "...", "input": "..." (optional), "output": "..."}""";

    /// <inheritdoc />
    public Example Encode(JsonElement record, long line)
    {
        var instruction = JsonFields.RequireString(record, "instruction", ExpectedShape);
        var input = JsonFields.OptionalString(record, "input");
        var output = JsonFields.RequireString(record, "output", ExpectedShape);
        if (output.Length == 0) throw new RecordException("field \"output\" is empty; expected the response to learn");
        var sequence = new SequenceBuilder(tokenizer)
            .Begin()
            .Text(InstructionPrompt.Format(instruction, input), isTarget: !completionOnlyLoss)
            .Text(output, isTarget: true)
            .End(endOfSequence: true);
        return new Example(sequence, line);
    }
}
