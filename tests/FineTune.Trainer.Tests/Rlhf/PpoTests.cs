using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Lora;
using FineTune.Trainer.Models;
using FineTune.Trainer.Rlhf;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Rlhf;

public sealed class PpoTests
{
    /// <summary>
    /// A fixed reward that prefers a property the policy can learn: the share of ASCII bytes (ids below 128) among the
    /// response's tokens, ×10. A random tiny model samples ASCII about a quarter of the time.
    /// </summary>
    private sealed class AsciiScorer(int promptLength) : IRewardScorer
    {
        public Tensor Score(Tensor inputIds, Tensor attentionMask)
        {
            var response = inputIds[.., promptLength..];
            var real = attentionMask[.., promptLength..].to(ScalarType.Float32);
            var ascii = response.lt(128).to(ScalarType.Float32) * real;
            return ascii.sum(1) / real.sum(1).clamp_min(1) * 10;
        }
    }

    [Fact]
    public void Ppo_raises_the_mean_reward_of_a_fixed_reward_rule()
    {
        var prompts = RlhfFixtures.Prompts.Train.Where(p => p.Sequence.Length == RlhfFixtures.Prompts.Train[0].Sequence.Length).ToList();
        var policy = (ICausalLanguageModel)TrainingSetup.Model("gpt2", seed: 21);
        var method = new LoraMethod(new LoraOptions { Rank = 8, Alpha = 16, Dropout = 0, TargetModules = ["c_attn", "c_proj", "c_fc"], ModulesToSave = ["wte"] });
        method.Apply(policy);
        using var reference = ReferencePolicy.For(policy, method, null);
        var settings = new PpoSettings
        {
            Ppo = new PpoOptions { KlCoef = 0.01, RolloutBatchSize = 16, MaxNewTokens = 6, PpoEpochs = 4, Temperature = 1.0 },
            Iterations = 12,
            LearningRate = 1e-2,
            Seed = 3,
            PadId = TrainingSetup.PadId,
        };
        using var dir = new TempDirectory();
        var trainer = new PpoTrainer(policy, method, reference, new AsciiScorer(prompts[0].Sequence.Length), prompts, settings, CPU,
            new LocalCheckpointStore(dir.Path, 1));

        var reports = trainer.Run().Reports;

        Assert.Equal(12, reports.Count);
        var first = reports.Take(3).Average(r => r.RewardMean);
        var last = reports.TakeLast(3).Average(r => r.RewardMean);
        Assert.True(last > first + 1.5, $"mean reward {first:F2} → {last:F2}: " + string.Join(", ", reports.Select(r => r.RewardMean.ToString("F2"))));
        Assert.All(reports, r => Assert.InRange(r.ClipFraction, 0, 1));
        Assert.True(reports[^1].Kl > 0, "the policy moved away from the reference");
        Assert.Equal(0, reports[0].Kl, 4); // the first rollout comes from the untouched policy
    }
}
