namespace FineTune.Trainer.Rlhf;

/// <summary>What a reward-model run ended with.</summary>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="LastLoss">Pairwise loss of the last step.</param>
/// <param name="ValidationAccuracy">Share of validation pairs ranked right at the end (null without validation data).</param>
/// <param name="ValidationLoss">Mean pairwise loss on the validation pairs (null without validation data).</param>
/// <param name="Interrupted">True when cancellation stopped the run early.</param>
public sealed record RewardTrainingResult(long Steps, double LastLoss, double? ValidationAccuracy, double? ValidationLoss, bool Interrupted);
