namespace FineTune.Trainer.Data;

/// <summary>
/// Token ids of one sequence and the labels the loss is computed on. Labels are aligned with the ids (the Hugging Face
/// convention: the loss shifts them by one position); <see cref="IgnoreIndex"/> marks positions without a target
/// (prompt tokens under completion-only loss, padding).
/// </summary>
/// <param name="InputIds">Token ids.</param>
/// <param name="Labels">Target per position, or <see cref="IgnoreIndex"/>; same length as <paramref name="InputIds"/>.</param>
public sealed record TokenSequence(int[] InputIds, int[] Labels)
{
    /// <summary>The label of positions that do not count in the loss (PyTorch's cross-entropy ignore_index).</summary>
    public const int IgnoreIndex = -100;

    /// <summary>Number of tokens.</summary>
    public int Length => InputIds.Length;

    /// <summary>Number of positions that count in the loss.</summary>
    public int TargetCount => Labels.Count(l => l != IgnoreIndex);

    /// <summary>The first <paramref name="length"/> tokens.</summary>
    public TokenSequence Take(int length) => length >= Length ? this : new(InputIds[..length], Labels[..length]);
}
