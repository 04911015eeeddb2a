namespace FineTune.Trainer.Training;

/// <summary>
/// Series only some methods or stages compute, reported after a step; null leaves a series untouched (absent until a
/// method sets it, never a misleading zero).
/// </summary>
/// <param name="RewardMean">Mean reward of the rollout batch (RLHF ppo).</param>
/// <param name="RewardModelAccuracy">Share of preference pairs the reward model ranks right (RLHF reward).</param>
/// <param name="KlDivergence">KL divergence between the policy and the reference model (RLHF ppo, dpo).</param>
/// <param name="ClipFraction">Share of probability ratios clipped by the PPO objective (RLHF ppo).</param>
/// <param name="ValueLoss">Value-head loss (RLHF ppo).</param>
/// <param name="QuantizationError">Mean absolute error between quantized and full-precision weights (QAT, QLoRA).</param>
public sealed record MethodStepMetrics(double? RewardMean = null, double? RewardModelAccuracy = null,
    double? KlDivergence = null, double? ClipFraction = null, double? ValueLoss = null, double? QuantizationError = null);
