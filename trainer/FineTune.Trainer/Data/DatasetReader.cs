using System.Text.Json;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data.Records;

namespace FineTune.Trainer.Data;

/// <summary>
/// Reads a JSONL file record by record through an <see cref="IRecordEncoder"/>, applying the sequence-length policy.
/// A malformed or (with truncation: error) over-long record stops reading with a <see cref="DatasetException"/>
/// naming the file and line, or, with dataset.skipInvalidLines, is skipped and counted. Blank lines are ignored.
/// </summary>
public sealed class DatasetReader(IRecordEncoder encoder, DatasetOptions options)
{
    /// <summary>Reads up to <paramref name="maxRecords"/> examples from <paramref name="path"/>.</summary>
    public (List<Example> Examples, DatasetStatistics Statistics) Read(string path, long? maxRecords = null)
    {
        if (!File.Exists(path)) throw new DatasetException($"dataset file {path} does not exist");
        var statistics = new DatasetStatistics { File = path };
        var examples = new List<Example>();
        long line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (maxRecords is long max && examples.Count >= max) break;
            try
            {
                if (ReadRecord(text, line, statistics) is { } example)
                {
                    examples.Add(example);
                    statistics.Records++;
                    statistics.Tokens += example.Sequence.Length + (example.Rejected?.Length ?? 0);
                }
            }
            catch (RecordException e)
            {
                if (!options.SkipInvalidLines) throw new DatasetException(path, line, e.Message);
                statistics.SkippedLines++;
                if (statistics.SkippedMessages.Count < DatasetStatistics.KeptMessages)
                    statistics.SkippedMessages.Add($"{path}:{line}: {e.Message}");
            }
        }
        if (examples.Count == 0)
            throw new DatasetException(
                $"{path}: no usable records ({statistics.SkippedLines} malformed line(s) skipped, {statistics.RecordsWithoutTargets} without targets after truncation); " +
                $"expected one JSON object per line shaped {encoder.ExpectedShape}");
        return (examples, statistics);
    }

    private Example? ReadRecord(string text, long line, DatasetStatistics statistics)
    {
        JsonElement record;
        try
        {
            using var document = JsonDocument.Parse(text);
            record = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new RecordException($"not valid JSON ({e.Message}); expected one JSON object per line shaped {encoder.ExpectedShape}");
        }
        if (record.ValueKind != JsonValueKind.Object)
            throw new RecordException($"the line is {JsonFields.Describe(record)}; expected a JSON object shaped {encoder.ExpectedShape}");

        var example = encoder.Encode(record, line);
        var longest = Math.Max(example.Sequence.Length, example.Rejected?.Length ?? 0);
        if (longest <= options.SequenceLength) return example;
        if (options.Truncation == TruncationMode.Error)
            throw new RecordException(
                $"the record has {longest} tokens, more than hyperparameters.sequenceLength {options.SequenceLength}; " +
                "expected a shorter record, or set dataset.truncation: truncate");

        statistics.TruncatedRecords++;
        var truncated = example with
        {
            Sequence = example.Sequence.Take(options.SequenceLength),
            Rejected = example.Rejected?.Take(options.SequenceLength),
            PromptLength = Math.Min(example.PromptLength, options.SequenceLength),
        };
        // A language-modelling record whose targets were all cut off would only add a zero-weight row (and an
        // all-ignored batch makes the mean loss NaN), so it is dropped and counted instead.
        if (HasTargets(example) && !HasTargets(truncated))
        {
            statistics.RecordsWithoutTargets++;
            return null;
        }
        return truncated;
    }

    private static bool HasTargets(Example example) =>
        example.Sequence.TargetCount > 0 && (example.Rejected is null || example.Rejected.TargetCount > 0);
}
