using static TorchSharp.torch;

namespace FineTune.Trainer.Models;

/// <summary>
/// Keys and values of the tokens seen so far, one pair per layer, each [batch, kv_heads, length, head_dim].
/// Generation passes the same cache to every step so each step computes attention only for the new tokens.
/// Dispose it when generation ends; it owns its tensors (they are kept out of dispose scopes).
/// </summary>
public sealed class KeyValueCache : IDisposable
{
    private readonly (Tensor Key, Tensor Value)?[] _layers;

    /// <summary>Creates an empty cache for a model with <paramref name="numLayers"/> blocks.</summary>
    public KeyValueCache(int numLayers) => _layers = new (Tensor, Tensor)?[numLayers];

    /// <summary>Number of cached positions (0 when empty).</summary>
    public long Length => _layers[0] is { } first ? first.Key.shape[2] : 0;

    /// <summary>
    /// Appends this step's keys/values for one layer and returns the full keys/values to attend over.
    /// </summary>
    public (Tensor Key, Tensor Value) Append(int layer, Tensor key, Tensor value)
    {
        if (_layers[layer] is { } old)
        {
            var k = cat(new[] { old.Key, key }, 2);
            var v = cat(new[] { old.Value, value }, 2);
            old.Key.Dispose();
            old.Value.Dispose();
            key = k;
            value = v;
        }
        // The cache outlives the caller's per-step dispose scope, so keep detached copies it owns.
        var keptKey = key.detach();
        var keptValue = value.detach();
        keptKey.DetachFromDisposeScope();
        keptValue.DetachFromDisposeScope();
        _layers[layer] = (keptKey, keptValue);
        return (key, value);
    }

    /// <summary>The cached keys/values of one layer (owned by the cache: do not dispose).</summary>
    public (Tensor Key, Tensor Value) Layer(int layer) =>
        _layers[layer] ?? throw new InvalidOperationException($"the cache holds nothing for layer {layer} yet.");

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var entry in _layers)
        {
            entry?.Key.Dispose();
            entry?.Value.Dispose();
        }
        Array.Clear(_layers);
    }
}
