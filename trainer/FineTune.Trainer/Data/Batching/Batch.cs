namespace FineTune.Trainer.Data.Batching;

/// <summary>
/// A padded batch as plain arrays, row-major [<see cref="Size"/>, <see cref="Length"/>], ready to become int64 tensors
/// (the training loop does that). Padded positions have attention 0 and label <see cref="TokenSequence.IgnoreIndex"/>.
/// </summary>
public sealed class Batch
{
    /// <summary>Rows.</summary>
    public required int Size { get; init; }

    /// <summary>Columns: the longest row (of chosen and rejected together, for preference data).</summary>
    public required int Length { get; init; }

    /// <summary>Token ids, [Size * Length].</summary>
    public required long[] InputIds { get; init; }

    /// <summary>1 for real tokens, 0 for padding, [Size * Length].</summary>
    public required long[] AttentionMask { get; init; }

    /// <summary>Targets aligned with <see cref="InputIds"/> (the loss shifts them), [Size * Length].</summary>
    public required long[] Labels { get; init; }

    /// <summary>Class ids, [Size], for classification data.</summary>
    public long[]? ClassLabels { get; init; }

    /// <summary>The rejected answers of preference data, padded to the same <see cref="Length"/>; rows match this batch's rows.</summary>
    public Batch? Rejected { get; init; }

    /// <summary>Prompt length per row (preference and prompt data), [Size].</summary>
    public required int[] PromptLengths { get; init; }

    /// <summary>Source line of each row (first record of a packed row), [Size], for error messages.</summary>
    public required long[] Lines { get; init; }

    /// <summary>Number of positions that count in the loss.</summary>
    public long TargetCount => Labels.LongCount(l => l != TokenSequence.IgnoreIndex);

    /// <summary>Number of real (non-padding) tokens.</summary>
    public long TokenCount => AttentionMask.Sum();
}
