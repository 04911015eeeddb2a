namespace FineTune.Trainer.Models;

/// <summary>
/// An attention module whose key/value path a fine-tuning method can extend (prefix tuning, virtual tokens).
/// </summary>
public interface IAttention
{
    /// <summary>Position of this attention's block, 0 at the bottom.</summary>
    int LayerIndex { get; }

    /// <summary>Number of key/value heads (after grouping) the prefix must provide.</summary>
    int NumKeyValueHeads { get; }

    /// <summary>Width of one head.</summary>
    int HeadDim { get; }

    /// <summary>
    /// Extra keys/values placed before the sequence's own (null: none). They are visible to every query and are used
    /// as given (no rotary embedding is applied to them), as Hugging Face treats past key/values.
    /// </summary>
    IKeyValuePrefix? Prefix { get; set; }
}
