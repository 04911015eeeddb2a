using System.Text.Json;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Data.Records;

/// <summary>
/// Classification records <c>{"text", "label"}</c>: the text framed as the model family expects (BERT: [CLS] ... [SEP]),
/// no token targets, and the class id from <see cref="ClassLabels"/>.
/// </summary>
public sealed class ClassificationRecordEncoder(ITextTokenizer tokenizer, ClassLabels labels) : IRecordEncoder
{
    /// <inheritdoc />
    public string ExpectedShape => """{"text": "...", "label": 0 or "name"}""";

    /// <inheritdoc />
    public Example Encode(JsonElement record, long line)
    {
        var text = JsonFields.RequireString(record, "text", ExpectedShape);
        if (!record.TryGetProperty("label", out var label) || label.ValueKind == JsonValueKind.Null)
            throw new RecordException($"missing field \"label\"; expected {ExpectedShape}");
        var classId = labels.Resolve(label);
        var sequence = new SequenceBuilder(tokenizer).Begin().Text(text, isTarget: false).End(endOfSequence: false);
        return new Example(sequence, line, ClassLabel: classId);
    }
}
