using FineTune.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Training;

/// <summary>
/// The default losses, summed (not averaged) so that the loop can weight micro-batches by their target counts and
/// evaluation can average over all tokens of a dataset. Computed in fp32 whatever the model's dtype.
/// </summary>
public static class LossFunctions
{
    /// <summary>The summed loss of <paramref name="batch"/> for <paramref name="model"/>, and the logits it came from.</summary>
    public static (Tensor LossSum, Tensor Logits) Sum(ILanguageModel model, TrainingBatch batch) => model switch
    {
        ISequenceClassifier classifier => Classification(classifier, batch),
        ICausalLanguageModel causal => NextToken(causal, batch),
        _ => throw new NotSupportedException($"model type {model.Config.ModelType} has no default loss"),
    };

    /// <summary>
    /// Next-token cross-entropy: the hidden state at position t predicts the label at t+1 (labels are aligned with the
    /// ids, the Hugging Face convention); positions labelled -100 are ignored. Returns the logits of the scored
    /// positions only, [targets, vocab].
    /// </summary>
    public static (Tensor LossSum, Tensor Logits) NextToken(ICausalLanguageModel model, TrainingBatch batch)
    {
        var hidden = model.ForwardHidden(batch.InputIds, batch.AttentionMask);
        // The labels move left by one (the last position gets -100) rather than the logits right, and the output head
        // runs only on the positions that have a target. With completion-only loss the prompt tokens never reach the
        // head, whose [tokens, vocab] logits are the largest tensor of the step and, with a large vocabulary, a large
        // share of its work; the last position of every sequence has no target either.
        using var ignored = full(batch.Labels.shape[0], 1, Data.TokenSequence.IgnoreIndex, ScalarType.Int64, batch.Labels.device);
        using var shifted = cat([batch.Labels[.., 1..], ignored], 1);
        using var targets = shifted.reshape(-1);
        using var scored = targets.ne(Data.TokenSequence.IgnoreIndex).nonzero().squeeze(1);
        using var rows = hidden.reshape(-1, hidden.shape[^1]).index_select(0, scored);
        hidden.Dispose();
        var logits = model.Logits(rows);
        using var scoredTargets = targets.index_select(0, scored);
        var loss = nn.functional.cross_entropy(logits.to(ScalarType.Float32), scoredTargets, reduction: nn.Reduction.Sum);
        return (loss, logits);
    }

    /// <summary>Cross-entropy of the class logits against the class labels.</summary>
    public static (Tensor LossSum, Tensor Logits) Classification(ISequenceClassifier model, TrainingBatch batch)
    {
        var labels = batch.ClassLabels ?? throw new InvalidOperationException(
            "a sequence-classification model needs classification data (records with a label)");
        var logits = model.Forward(batch.InputIds, batch.AttentionMask);
        var loss = nn.functional.cross_entropy(logits.to(ScalarType.Float32), labels, reduction: nn.Reduction.Sum);
        return (loss, logits);
    }
}
