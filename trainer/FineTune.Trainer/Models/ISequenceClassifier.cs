using static TorchSharp.torch;

namespace FineTune.Trainer.Models;

/// <summary>An encoder with a classification head (BERT for sequence classification).</summary>
public interface ISequenceClassifier : ILanguageModel
{
    /// <summary>Number of classes the head predicts.</summary>
    int NumLabels { get; }

    /// <summary>
    /// Class logits [batch, num_labels] for <paramref name="inputIds"/> [batch, seq] with optional
    /// <paramref name="attentionMask"/> [batch, seq] (1 real, 0 padding) and <paramref name="tokenTypeIds"/> [batch, seq].
    /// </summary>
    Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? tokenTypeIds = null);
}
