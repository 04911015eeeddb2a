namespace FineTune.Trainer.Rlhf;

/// <summary>What a reward-model run ended with.</summary>
/// <param name="Steps">Optimizer steps completed (those of earlier processes included after a resume).</param>
/// <param name="LastLoss">Pairwise loss of the last step.</param>
/// <param name="ValidationAccuracy">Share of validation pairs ranked right at the end (null without validation data).</param>
/// <param name="ValidationLoss">Mean pairwise loss on the validation pairs (null without validation data).</param>
/// <param name="Interrupted">True when cancellation stopped the run early (after writing a checkpoint).</param>
public sealed record RewardTrainingResult(long Steps, double LastLoss, double? ValidationAccuracy, double? ValidationLoss, bool Interrupted)
{
    /// <summary>The step this process resumed from (0 for a fresh run).</summary>
    public long ResumedFromStep { get; init; }

    /// <summary>The newest committed checkpoint (null when none was written or resumed from).</summary>
    public string? LastCheckpoint { get; init; }
}
