using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Layers;

/// <summary>Joins the keys/values an attention layer attends over, in order: prefix, cached tokens, current tokens.</summary>
public static class KeyValueSources
{
    /// <summary>
    /// Returns the full keys/values for layer <paramref name="layer"/> given this step's <paramref name="key"/> and
    /// <paramref name="value"/> [B, Hkv, T, D]. The cache stores only real tokens (never the prefix), so the prefix
    /// is re-attached on every step.
    /// </summary>
    public static (Tensor Key, Tensor Value) Gather(int layer, Tensor key, Tensor value, KeyValueCache? cache,
        IKeyValuePrefix? prefix)
    {
        if (cache is not null) (key, value) = cache.Append(layer, key, value);
        if (prefix is not null)
        {
            var (pk, pv) = prefix.KeysAndValues(layer, key.shape[0]);
            key = cat(new[] { pk, key }, 2);
            value = cat(new[] { pv, value }, 2);
        }
        return (key, value);
    }
}
