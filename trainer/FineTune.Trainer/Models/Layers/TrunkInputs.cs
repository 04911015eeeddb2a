using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Layers;

/// <summary>
/// What a trunk feeds its blocks once virtual tokens are in place: the input embeddings with any soft prompt in front
/// [B, P + T, d], the padding mask widened to match (null: all real), the position ids [B or 1, P + T], and how many
/// prompt rows were prepended (to drop from the outputs).
/// </summary>
public sealed record TrunkInputs(Tensor Embeddings, Tensor? AttentionMask, Tensor PositionIds, long PromptLength)
{
    /// <summary>The rows of <paramref name="hidden"/> [B, P + T, d] that belong to the caller's tokens [B, T, d].</summary>
    public Tensor RealTokens(Tensor hidden) =>
        PromptLength == 0 ? hidden : hidden.narrow(1, PromptLength, hidden.shape[1] - PromptLength);
}
