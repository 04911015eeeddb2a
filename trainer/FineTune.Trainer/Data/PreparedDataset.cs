namespace FineTune.Trainer.Data;

/// <summary>Training and validation examples ready for batching, with what reading found.</summary>
public sealed class PreparedDataset
{
    /// <summary>Training examples, in file order (epoch shuffling is the batch iterator's job).</summary>
    public required IReadOnlyList<Example> Train { get; init; }

    /// <summary>Validation examples (from the validation file or the held-out split); empty when neither is set.</summary>
    public required IReadOnlyList<Example> Validation { get; init; }

    /// <summary>Statistics of the training file (and the held-out share, which is part of it).</summary>
    public required DatasetStatistics TrainStatistics { get; init; }

    /// <summary>Statistics of the validation file, when one was given.</summary>
    public DatasetStatistics? ValidationStatistics { get; init; }

    /// <summary>Class names by id, when classification labels were names (for the model's id2label).</summary>
    public IReadOnlyList<string>? LabelNames { get; init; }

    /// <summary>All warnings of both files.</summary>
    public IEnumerable<string> Warnings() =>
        TrainStatistics.Warnings().Concat(ValidationStatistics?.Warnings() ?? []);
}
