using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Methods.Lora;
using FineTune.Trainer.Models;
using FineTune.Trainer.Rlhf;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Rlhf;

public sealed class DpoTests
{
    private static ICausalLanguageModel Policy(long seed = 5) => (ICausalLanguageModel)TrainingSetup.Model("gpt2", seed);

    private static LoraMethod Lora() => new(new LoraOptions { Rank = 8, Alpha = 16, Dropout = 0, TargetModules = ["c_attn", "c_proj", "c_fc"] });

    [Fact]
    public void Dpo_raises_the_chosen_over_rejected_margin_on_held_out_pairs()
    {
        var policy = Policy();
        using var dir = new TempDirectory();
        var method = Lora();
        using var reference = ReferencePolicy.For(policy, method, null);
        var objective = new DpoObjective(method, reference, new DpoOptions { Beta = 0.1 });
        method.Apply(policy);
        var validation = RlhfFixtures.Preferences.Validation;
        var before = DpoEvaluator.Evaluate(policy, objective, validation, 16, TrainingSetup.PadId, CPU);

        var loop = new TrainingLoop(policy, objective, RlhfFixtures.Preferences.Train, [], TrainingSetup.Options(40, learningRate: 5e-3, batchSize: 16),
            TrainingSetup.PadId, CPU, new LocalCheckpointStore(dir.Path, 1));
        var result = loop.Run();
        var after = DpoEvaluator.Evaluate(policy, objective, validation, 16, TrainingSetup.PadId, CPU);

        Assert.Equal(40, result.Steps);
        Assert.Equal(0, before.RewardMargin, 5); // policy == reference before training
        Assert.True(after.RewardMargin > 0.5, $"held-out margin {before.RewardMargin:F4} → {after.RewardMargin:F4}");
        Assert.True(after.RewardAccuracy >= 0.8, $"held-out implicit-reward accuracy {after.RewardAccuracy:F3}");
    }

    [Fact]
    public void Kl_to_the_reference_is_zero_while_the_lora_policy_equals_it()
    {
        using var scope = NewDisposeScope();
        var policy = Policy();
        var method = Lora();
        method.Apply(policy); // fresh adapters: lora_B = 0
        using var reference = ReferencePolicy.For(policy, method, null);
        AssertSameDistribution(policy, reference);
        Assert.True(reference.SharesWeights);
    }

    [Fact]
    public void Kl_to_the_reference_is_zero_while_the_full_policy_equals_its_frozen_copy()
    {
        using var scope = NewDisposeScope();
        var policy = Policy(seed: 9);
        IFineTuneMethod method = new FullMethod();
        using var reference = ReferencePolicy.For(policy, method, () => Policy(seed: 9));
        AssertSameDistribution(policy, reference);
        Assert.False(reference.SharesWeights);
    }

    [Fact]
    public void The_lora_reference_stays_the_base_model_after_the_adapter_trained()
    {
        using var scope = NewDisposeScope();
        var policy = Policy();
        policy.Module.eval();
        var batch = Batch();
        var baseLogits = policy.Forward(batch.InputIds, batch.AttentionMask).detach();
        var method = Lora();
        method.Apply(policy);
        using (no_grad())
            foreach (var layer in LoraMethod.Layers(policy)) layer.lora_B.weight!.fill_(0.05);
        using var reference = ReferencePolicy.For(policy, method, null);

        Assert.True(reference.Logits(batch.InputIds, batch.AttentionMask).allclose(baseLogits, atol: 1e-5));
        Assert.False(policy.Forward(batch.InputIds, batch.AttentionMask).allclose(baseLogits, atol: 1e-3));
    }

    private static TrainingBatch Batch() =>
        TrainingBatch.From(FineTune.Trainer.Data.Batching.BatchCollator.Collate(RlhfFixtures.Preferences.Validation.Take(4).ToList(), TrainingSetup.PadId), CPU);

    private static void AssertSameDistribution(ICausalLanguageModel policy, ReferencePolicy reference)
    {
        policy.Module.eval();
        var batch = Batch();
        using var noGrad = no_grad();
        var policyLogProbs = TokenLogProbs.Next(policy.Forward(batch.InputIds, batch.AttentionMask), batch.InputIds);
        var referenceLogProbs = TokenLogProbs.Next(reference.Logits(batch.InputIds, batch.AttentionMask), batch.InputIds);
        var kl = (policyLogProbs - referenceLogProbs).abs().max().item<float>();
        Assert.True(kl < 1e-6, $"largest |log π - log π_ref| {kl}");
    }
}
