using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace FineTune.Trainer.Models.Layers;

/// <summary>
/// softmax(q·kᵀ/√d + mask)·v over heads, shared by every architecture. Handles the three sources of keys (prefix,
/// cache, current tokens), grouped-query attention and padding masks, and uses the fused causal kernel when nothing
/// else needs masking (the training fast path).
/// </summary>
public static class ScaledAttention
{
    /// <summary>
    /// Attends <paramref name="query"/> [B, H, T, D] over <paramref name="key"/>/<paramref name="value"/>
    /// [B, Hkv, S, D] (S ≥ T; the first S − T keys precede the queries: prefix and cached tokens).
    /// <paramref name="paddingMask"/> [B, M] marks real tokens with 1; when M &lt; S the missing leading keys (a
    /// prefix) count as real. Returns [B, T, H·D].
    /// </summary>
    public static Tensor Attend(Tensor query, Tensor key, Tensor value, Tensor? paddingMask, bool causal,
        double dropout, bool training)
    {
        long groups = query.shape[1] / key.shape[1];
        if (groups > 1)
        {
            // TorchSharp's SDPA has no enable_gqa: expand the key/value heads to the query heads (HF repeat_kv).
            key = key.repeat_interleave(groups, dim: 1);
            value = value.repeat_interleave(groups, dim: 1);
        }
        // Dropout inside SDPA applies even in eval mode (pitfalls.md), so gate it on training here.
        double p = training ? dropout : 0.0;
        long t = query.shape[2], s = key.shape[2];
        Tensor output;
        if (paddingMask is null && (!causal || s == t))
        {
            output = F.scaled_dot_product_attention(query, key, value, p: p, is_casual: causal);
        }
        else
        {
            using var mask = AdditiveMask(paddingMask, query.shape[0], t, s, causal, query.dtype, query.device);
            output = F.scaled_dot_product_attention(query, key, value, attn_mask: mask, p: p);
        }
        using (output)
        {
            var (b, h, d) = (output.shape[0], output.shape[1], output.shape[3]);
            return output.transpose(1, 2).reshape(b, t, h * d);
        }
    }

    /// <summary>
    /// Builds the additive mask [B, 1, T, S]: 0 where a query may attend, the dtype's lowest value elsewhere (as
    /// Hugging Face does, so fully masked rows stay finite).
    /// </summary>
    public static Tensor AdditiveMask(Tensor? paddingMask, long batch, long t, long s, bool causal, ScalarType dtype,
        Device device)
    {
        using var scope = NewDisposeScope();
        var allowed = ones(new[] { batch, 1, t, s }, ScalarType.Bool, device);
        if (causal)
        {
            // Query i sits at absolute key position (s - t + i): it sees keys j ≤ s - t + i.
            var rows = arange(t, device: device).unsqueeze(1);
            var cols = arange(s, device: device).unsqueeze(0);
            allowed = allowed.logical_and(cols.le(rows + (s - t)).view(1, 1, t, s));
        }
        if (paddingMask is not null)
        {
            var keep = paddingMask.to(ScalarType.Bool, device);
            long m = keep.shape[1];
            if (m < s) keep = cat(new[] { ones(new[] { batch, s - m }, ScalarType.Bool, device), keep }, 1);
            else if (m > s) keep = keep.narrow(1, m - s, s);
            allowed = allowed.logical_and(keep.view(batch, 1, 1, s));
        }
        var lowest = dtype switch
        {
            ScalarType.BFloat16 => -3.3895313892515355e38,
            ScalarType.Float16 => -65504.0,
            ScalarType.Float64 => double.MinValue,
            _ => float.MinValue,
        };
        var result = zeros(new[] { batch, 1, t, s }, dtype, device).masked_fill(allowed.logical_not(), lowest);
        return result.MoveToOuterDisposeScope();
    }
}
