using static TorchSharp.torch;

namespace FineTune.Trainer.Models;

/// <summary>
/// Learned input embeddings a model places before every sequence (prompt tuning). The model prepends them when it
/// starts a sequence (no cached tokens yet) and returns outputs for the real tokens only, so callers see no change in
/// shapes; with a key/value cache the virtual tokens stay in the cache like real ones.
/// </summary>
public interface ISoftPrompt
{
    /// <summary>Number of virtual tokens P.</summary>
    int Length { get; }

    /// <summary>The virtual tokens' input embeddings [batch, P, hidden] (before position embeddings are added).</summary>
    Tensor Embeddings(long batchSize);
}
