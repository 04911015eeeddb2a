using System.Text.Json;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Data.Records;

/// <summary>
/// <c>{"text": "..."}</c>: every token is a target, EOS appended. Or pre-tokenized <c>{"input_ids": [...]}</c> from a
/// corpus tokenized elsewhere: taken as is (no BOS/EOS added), each id checked against the vocabulary.
/// </summary>
public sealed class TextRecordEncoder(ITextTokenizer tokenizer) : IRecordEncoder
{
    /// <inheritdoc />
    public string ExpectedShape => """{"text": "..."} or {"input_ids": [1, 2, ...]}""";

    /// <inheritdoc />
    public Example Encode(JsonElement record, long line)
    {
        if (record.TryGetProperty("input_ids", out var ids) && ids.ValueKind != JsonValueKind.Null)
            return new Example(PreTokenized(ids), line);
        if (!record.TryGetProperty("text", out var text) || text.ValueKind == JsonValueKind.Null)
            throw new RecordException($"missing field \"text\" (or \"input_ids\"); expected {ExpectedShape}");
        var value = JsonFields.RequireString(record, "text", ExpectedShape);
        return new Example(new SequenceBuilder(tokenizer).Begin().Text(value, isTarget: true).End(endOfSequence: true), line);
    }

    private TokenSequence PreTokenized(JsonElement ids)
    {
        if (ids.ValueKind != JsonValueKind.Array)
            throw new RecordException($"field \"input_ids\" is {JsonFields.Describe(ids)}; expected an array of token ids");
        if (ids.GetArrayLength() == 0)
            throw new RecordException("field \"input_ids\" is empty; expected at least one token id");
        var result = new int[ids.GetArrayLength()];
        var index = 0;
        foreach (var item in ids.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var id))
                throw new RecordException($"input_ids[{index}] is {JsonFields.Describe(item)}; expected an integer token id");
            if (id < 0 || id >= tokenizer.VocabularySize)
                throw new RecordException($"input_ids[{index}] is {id}; expected a token id from 0 to {tokenizer.VocabularySize - 1} (the tokenizer's vocabulary)");
            result[index++] = id;
        }
        return new TokenSequence(result, (int[])result.Clone());
    }
}
