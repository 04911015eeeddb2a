namespace FineTune.Trainer.Telemetry;

/// <summary>RLHF stage series; each is set only by the stage that computes it (null leaves it unset).</summary>
/// <param name="RewardMean">Mean reward of the rollout batch (ppo).</param>
/// <param name="RewardModelAccuracy">Share of preference pairs the reward model ranks right (reward).</param>
/// <param name="KlDivergence">KL divergence between policy and reference (ppo, dpo).</param>
/// <param name="ClipFraction">Share of ratios clipped by the PPO objective (ppo).</param>
/// <param name="ValueLoss">Value-head loss (ppo).</param>
public sealed record RlhfStepMetrics(double? RewardMean = null, double? RewardModelAccuracy = null,
    double? KlDivergence = null, double? ClipFraction = null, double? ValueLoss = null);
