using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Layers;

/// <summary>
/// Places virtual tokens the way Hugging Face PEFT does, for every architecture: a soft prompt (prompt tuning) is
/// prepended to the input embeddings when a sequence starts and the padding mask is widened with ones; a key/value
/// prefix (prefix tuning, P-tuning v2) occupies no input row but, being the model's past key/values, pushes the real
/// tokens' positions back by its length. Either way the real tokens sit at positions P, P + 1, ..., so virtual tokens
/// and sequence together must fit the model's positions.
/// </summary>
public static class VirtualTokenInputs
{
    /// <summary>
    /// Prepares <paramref name="embeddings"/> [B, T, d] of the caller's tokens. <paramref name="past"/> is the number
    /// of cached positions (a cached soft prompt included, a prefix never); <paramref name="positionIds"/> given by the
    /// caller count real tokens from 0 and are shifted past the virtual tokens. <paramref name="maxPositions"/> (null:
    /// no limit, as with rotary embeddings) is checked with an error that names the virtual tokens.
    /// </summary>
    public static TrunkInputs Prepare(Tensor embeddings, Tensor? attentionMask, Tensor? positionIds, long past,
        ISoftPrompt? prompt, IKeyValuePrefix? prefix, int? maxPositions)
    {
        long batch = embeddings.shape[0], t = embeddings.shape[1];
        long prefixLength = prefix?.Length ?? 0;
        long promptLength = prompt?.Length ?? 0;
        // The prompt enters once, with the first tokens of a sequence; later cached steps already attend to it.
        long added = prompt is not null && past == 0 ? promptLength : 0;
        var device = embeddings.device;
        if (added > 0)
        {
            using var virtualEmbeddings = prompt!.Embeddings(batch);
            using var converted = virtualEmbeddings.to(embeddings.dtype, device);
            embeddings = cat(new[] { converted, embeddings }, 1);
            if (attentionMask is not null)
            {
                using var real = ones(new[] { batch, added }, attentionMask.dtype, device);
                attentionMask = cat(new[] { real, attentionMask }, 1);
            }
        }

        long realPast = prompt is not null && past > 0 ? past - promptLength : past;
        Tensor positions;
        if (positionIds is null)
        {
            long start = prefixLength + past;
            if (maxPositions is int limit)
                PositionLimit.Check(start + added + t - 1, limit, prefixLength + promptLength, realPast + t);
            positions = arange(start, start + added + t, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        }
        else
        {
            long shift = prefixLength + promptLength;
            var real = shift == 0 ? positionIds : positionIds.add(shift);
            if (added > 0)
            {
                using var virtualPositions = arange(prefixLength, prefixLength + added, dtype: ScalarType.Int64, device: device);
                using var expanded = virtualPositions.unsqueeze(0).expand(real.shape[0], -1);
                real = cat(new[] { expanded, real.to(ScalarType.Int64) }, 1);
            }
            if (maxPositions is int limit)
            {
                using var highest = real.max();
                PositionLimit.Check(highest.item<long>(), limit, prefixLength + promptLength, realPast + t);
            }
            positions = real;
        }
        return new TrunkInputs(embeddings, attentionMask, positions, added);
    }
}
