using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Models;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// The policy method (full or lora) with its loss replaced by DPO, so the shared training loop (accumulation, clipping,
/// bf16 masters, checkpoints, exact resume) runs the dpo stage. Each batch scores chosen and rejected answers under the
/// policy (with gradients) and the <see cref="ReferencePolicy"/> (without), and keeps the batch's implicit-reward
/// statistics in <see cref="Last"/> for the stage's metrics.
/// </summary>
public sealed class DpoObjective(IFineTuneMethod policyMethod, ReferencePolicy reference, DpoOptions options) : IFineTuneMethod
{
    /// <summary>The policy method it wraps.</summary>
    public IFineTuneMethod PolicyMethod { get; } = policyMethod;

    /// <summary>Statistics of the most recent batch (null before the first).</summary>
    public DpoStepStatistics? Last { get; private set; }

    /// <inheritdoc />
    public string Name => PolicyMethod.Name;

    /// <inheritdoc />
    public void Apply(ILanguageModel model) => PolicyMethod.Apply(model);

    /// <inheritdoc />
    public IReadOnlyList<string> TrainableParameterNames(ILanguageModel model) => PolicyMethod.TrainableParameterNames(model);

    /// <inheritdoc />
    public SaveMode ResolveSave(SaveMode? requested) => PolicyMethod.ResolveSave(requested);

    /// <inheritdoc />
    public void Export(ILanguageModel model, string directory, SaveMode kind) => PolicyMethod.Export(model, directory, kind);

    /// <inheritdoc />
    public Tensor? ComputeLoss(ILanguageModel model, TrainingBatch batch)
    {
        var policy = model as ICausalLanguageModel
            ?? throw new InvalidOperationException($"dpo needs a decoder; model_type '{model.Config.ModelType}' is not one");
        var rejectedSource = batch.Source.Rejected
            ?? throw new InvalidOperationException("dpo needs preference data (chosen and rejected answers)");
        var rejected = TrainingBatch.From(rejectedSource, batch.InputIds.device);

        var policyChosen = TokenLogProbs.SequenceSum(policy.Forward(batch.InputIds, batch.AttentionMask), batch.InputIds, batch.Labels);
        var policyRejected = TokenLogProbs.SequenceSum(policy.Forward(rejected.InputIds, rejected.AttentionMask), rejected.InputIds, rejected.Labels);
        var referenceChosen = TokenLogProbs.SequenceSum(reference.Logits(batch.InputIds, batch.AttentionMask), batch.InputIds, batch.Labels);
        var referenceRejected = TokenLogProbs.SequenceSum(reference.Logits(rejected.InputIds, rejected.AttentionMask), rejected.InputIds, rejected.Labels);

        var (loss, chosenRewards, rejectedRewards) = DirectPreferenceLoss.Compute(policyChosen, policyRejected, referenceChosen,
            referenceRejected, options.Beta, options.LossType, options.LabelSmoothing);
        using (NewDisposeScope())
        {
            var answerTokens = Math.Max(1, batch.ShiftedTargetCount);
            Last = new DpoStepStatistics(
                RewardAccuracy: chosenRewards.gt(rejectedRewards).to(ScalarType.Float32).mean().item<float>(),
                RewardMargin: (chosenRewards - rejectedRewards).mean().item<float>(),
                ChosenReward: chosenRewards.mean().item<float>(),
                RejectedReward: rejectedRewards.mean().item<float>(),
                Kl: (policyChosen.detach() - referenceChosen).sum().item<float>() / answerTokens);
        }
        return loss;
    }
}
