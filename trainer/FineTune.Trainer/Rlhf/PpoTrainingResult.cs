namespace FineTune.Trainer.Rlhf;

/// <summary>How a PPO run ended.</summary>
/// <param name="Iterations">Iterations completed (those of earlier processes included after a resume).</param>
/// <param name="Reports">One report per iteration this process ran, in order.</param>
/// <param name="Interrupted">True when cancellation stopped the run early (after writing a checkpoint).</param>
public sealed record PpoTrainingResult(long Iterations, IReadOnlyList<PpoIterationReport> Reports, bool Interrupted)
{
    /// <summary>The iteration this process resumed from (0 for a fresh run).</summary>
    public long ResumedFromIteration { get; init; }

    /// <summary>Loss (policy + valueCoef × value) of the last iteration, also when it ran before a resume.</summary>
    public double? LastLoss { get; init; }

    /// <summary>The newest committed checkpoint (null when none was written or resumed from).</summary>
    public string? LastCheckpoint { get; init; }
}
