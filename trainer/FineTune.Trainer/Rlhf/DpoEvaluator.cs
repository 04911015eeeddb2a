using FineTune.Trainer.Data;
using FineTune.Trainer.Data.Batching;
using FineTune.Trainer.Models;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>DPO's implicit-reward statistics over held-out preference pairs, without gradients and without dropout.</summary>
public static class DpoEvaluator
{
    /// <summary>Pair-weighted means of the per-batch statistics of <paramref name="objective"/> over <paramref name="pairs"/>.</summary>
    public static DpoStepStatistics Evaluate(ICausalLanguageModel policy, DpoObjective objective,
        IReadOnlyList<Example> pairs, int batchSize, int padId, Device device)
    {
        var wasTraining = policy.Module.training;
        policy.Module.eval();
        using var noGrad = no_grad();
        double accuracy = 0, margin = 0, chosen = 0, rejected = 0, kl = 0;
        try
        {
            for (var start = 0; start < pairs.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var slice = pairs.Skip(start).Take(batchSize).ToList();
                objective.ComputeLoss(policy, TrainingBatch.From(BatchCollator.Collate(slice, padId), device));
                var s = objective.Last!;
                accuracy += s.RewardAccuracy * slice.Count;
                margin += s.RewardMargin * slice.Count;
                chosen += s.ChosenReward * slice.Count;
                rejected += s.RejectedReward * slice.Count;
                kl += s.Kl * slice.Count;
            }
        }
        finally
        {
            if (wasTraining) policy.Module.train();
        }
        var n = pairs.Count;
        return new DpoStepStatistics(accuracy / n, margin / n, chosen / n, rejected / n, kl / n);
    }
}
