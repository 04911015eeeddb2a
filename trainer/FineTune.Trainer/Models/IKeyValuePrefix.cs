using static TorchSharp.torch;

namespace FineTune.Trainer.Models;

/// <summary>Supplies learned keys and values to prepend in one attention layer (prefix tuning).</summary>
public interface IKeyValuePrefix
{
    /// <summary>
    /// Number of virtual tokens P. As in Hugging Face, where the prefix is the past key/values, the real tokens'
    /// positions start after it (at P), so they count against the model's position limit.
    /// </summary>
    int Length { get; }

    /// <summary>
    /// Keys and values, each [batch, num_key_value_heads, prefix_length, head_dim], in the dtype and device of the
    /// layer's activations.
    /// </summary>
    (Tensor Key, Tensor Value) KeysAndValues(int layerIndex, long batchSize);
}
