using static TorchSharp.torch;

namespace FineTune.Trainer.Models;

/// <summary>Supplies learned keys and values to prepend in one attention layer (prefix tuning).</summary>
public interface IKeyValuePrefix
{
    /// <summary>
    /// Keys and values, each [batch, num_key_value_heads, prefix_length, head_dim], in the dtype and device of the
    /// layer's activations.
    /// </summary>
    (Tensor Key, Tensor Value) KeysAndValues(int layerIndex, long batchSize);
}
