using static TorchSharp.torch;

namespace FineTune.Trainer.Models;

/// <summary>
/// A decoder-only language model (GPT-2, Llama, Mistral, Qwen2): next-token logits for every position.
/// </summary>
public interface ICausalLanguageModel : ILanguageModel
{
    /// <summary>
    /// Runs the model. Shapes: <paramref name="inputIds"/> [batch, seq] int64; <paramref name="attentionMask"/>
    /// [batch, past + seq] with 1 for real tokens and 0 for padding (null: all real); <paramref name="positionIds"/>
    /// [batch, seq] (null: past length + 0..seq-1); <paramref name="cache"/> holds earlier keys/values and is extended
    /// in place (null: no cache). Returns logits [batch, seq, vocab] in the model's dtype.
    /// </summary>
    Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KeyValueCache? cache = null);

    /// <summary>
    /// Like <see cref="Forward"/> but stops before the output head: the final normalised hidden states
    /// [batch, seq, hidden] (for value heads, reward models and custom losses).
    /// </summary>
    Tensor ForwardHidden(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KeyValueCache? cache = null);

    /// <summary>
    /// <see cref="ForwardHidden"/> for input embeddings instead of ids (HF inputs_embeds): <paramref name="inputsEmbeds"/>
    /// [batch, seq, hidden] in the token-embedding space (position embeddings are still added by the model); the
    /// other arguments as in <see cref="Forward"/>. <c>ForwardHidden(ids)</c> equals
    /// <c>ForwardEmbeddings(Embed(ids))</c>.
    /// </summary>
    Tensor ForwardEmbeddings(Tensor inputsEmbeds, Tensor? attentionMask = null, Tensor? positionIds = null, KeyValueCache? cache = null);

    /// <summary>Applies the output head to hidden states from <see cref="ForwardHidden"/>.</summary>
    Tensor Logits(Tensor hidden);
}
