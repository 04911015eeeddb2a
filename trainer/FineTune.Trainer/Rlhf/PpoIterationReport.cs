namespace FineTune.Trainer.Rlhf;

/// <summary>One PPO iteration (a rollout batch and its ppoEpochs optimizer steps).</summary>
/// <param name="Iteration">1-based iteration.</param>
/// <param name="RewardMean">Mean reward-model score of the sampled responses.</param>
/// <param name="Kl">Mean over rows of the summed per-token log π - log π_ref of the responses.</param>
/// <param name="ClipFraction">Share of response tokens whose ratio was clipped, over the epochs.</param>
/// <param name="ValueLoss">Mean clipped value loss over the epochs.</param>
/// <param name="PolicyLoss">Mean clipped policy loss over the epochs.</param>
/// <param name="ResponseLength">Mean number of sampled tokens per response.</param>
public sealed record PpoIterationReport(long Iteration, double RewardMean, double Kl, double ClipFraction, double ValueLoss,
    double PolicyLoss, double ResponseLength);
