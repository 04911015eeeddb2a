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
    /// Next-token cross-entropy: logits at position t predict the label at t+1 (labels are aligned with the ids, the
    /// Hugging Face convention); positions labelled -100 are ignored.
    /// </summary>
    public static (Tensor LossSum, Tensor Logits) NextToken(ICausalLanguageModel model, TrainingBatch batch)
    {
        var logits = model.Forward(batch.InputIds, batch.AttentionMask);
        var vocab = logits.shape[^1];
        // The labels move left by one (the last position gets -100) rather than the logits right: slicing the
        // [B, T, V] logits would copy them forward and scatter their gradient into a zeroed copy backward, two
        // full passes over the largest tensor of the step for one ignored row per sequence.
        var predictions = logits.reshape(-1, vocab).to(ScalarType.Float32);
        using var ignored = full(batch.Labels.shape[0], 1, Data.TokenSequence.IgnoreIndex, ScalarType.Int64, batch.Labels.device);
        using var shifted = cat([batch.Labels[.., 1..], ignored], 1);
        using var targets = shifted.reshape(-1);
        var loss = nn.functional.cross_entropy(predictions, targets, ignore_index: Data.TokenSequence.IgnoreIndex, reduction: nn.Reduction.Sum);
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
