namespace FineTune.Trainer.Storage.Checkpoints;

/// <summary>Which checkpoints survive a save: the newest <see cref="KeepLast"/>, plus the best by a metric.</summary>
public sealed record CheckpointRetention
{
    /// <summary>How many of the newest checkpoints are kept (at least 1).</summary>
    public int KeepLast { get; init; } = 3;

    /// <summary>Metric (as passed at save time) that picks the best checkpoint to keep as well; null keeps no extra one.</summary>
    public string? BestMetric { get; init; } = "eval_loss";

    /// <summary>True when a larger metric is better (accuracy); false for losses.</summary>
    public bool HigherIsBetter { get; init; }
}
