namespace FineTune.Trainer.Data;

/// <summary>What reading one dataset file found, for the run log and warnings.</summary>
public sealed class DatasetStatistics
{
    /// <summary>How many skipped-line messages are kept for the log.</summary>
    public const int KeptMessages = 5;

    /// <summary>The file read.</summary>
    public required string File { get; init; }

    /// <summary>Records turned into examples.</summary>
    public int Records { get; set; }

    /// <summary>Malformed lines skipped (only with dataset.skipInvalidLines).</summary>
    public int SkippedLines { get; set; }

    /// <summary>Records cut to the sequence length.</summary>
    public int TruncatedRecords { get; set; }

    /// <summary>Records dropped because nothing was left to learn from after truncation (all targets cut off).</summary>
    public int RecordsWithoutTargets { get; set; }

    /// <summary>Tokens in the examples (after truncation, before packing and padding).</summary>
    public long Tokens { get; set; }

    /// <summary>The first few skipped-line messages ("file:line: problem").</summary>
    public List<string> SkippedMessages { get; } = [];

    /// <summary>Warnings worth printing once reading is done (truncated, skipped and dropped records).</summary>
    public IEnumerable<string> Warnings()
    {
        if (TruncatedRecords > 0)
            yield return $"{File}: {TruncatedRecords} record(s) were longer than hyperparameters.sequenceLength and were truncated";
        if (RecordsWithoutTargets > 0)
            yield return $"{File}: {RecordsWithoutTargets} record(s) had no completion tokens left after truncation and were dropped";
        if (SkippedLines > 0)
            yield return $"{File}: {SkippedLines} malformed line(s) were skipped, first: {string.Join("; ", SkippedMessages)}";
    }
}
