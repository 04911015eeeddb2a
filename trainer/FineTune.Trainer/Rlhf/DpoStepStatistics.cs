namespace FineTune.Trainer.Rlhf;

/// <summary>Implicit-reward statistics of one DPO batch (means over its pairs).</summary>
/// <param name="RewardAccuracy">Share of pairs whose chosen implicit reward beats the rejected one.</param>
/// <param name="RewardMargin">Mean chosen minus rejected implicit reward.</param>
/// <param name="ChosenReward">Mean β·(log π - log π_ref) of the chosen answers.</param>
/// <param name="RejectedReward">Mean β·(log π - log π_ref) of the rejected answers.</param>
/// <param name="Kl">Mean of log π - log π_ref over the chosen answers' tokens (a sample estimate of the KL to the reference).</param>
public sealed record DpoStepStatistics(double RewardAccuracy, double RewardMargin, double ChosenReward, double RejectedReward, double Kl);
