namespace FineTune.Trainer.Training;

/// <summary>How a training run ended.</summary>
public sealed record TrainingResult
{
    /// <summary>Steps completed.</summary>
    public required long Steps { get; init; }

    /// <summary>Loss of the last step.</summary>
    public double? LastLoss { get; init; }

    /// <summary>The last evaluation, if any.</summary>
    public EvaluationMetrics? LastEvaluation { get; init; }

    /// <summary>Lowest validation loss and its step, if evaluated.</summary>
    public double? BestEvalLoss { get; init; }

    /// <summary>Step of <see cref="BestEvalLoss"/>.</summary>
    public long? BestStep { get; init; }

    /// <summary>The run stopped early because validation loss stopped improving.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>The run was cancelled (SIGTERM) after writing a checkpoint.</summary>
    public bool Interrupted { get; init; }

    /// <summary>The step this process resumed from (0 for a fresh run).</summary>
    public long ResumedFromStep { get; init; }

    /// <summary>The newest committed checkpoint.</summary>
    public string? LastCheckpoint { get; init; }
}
