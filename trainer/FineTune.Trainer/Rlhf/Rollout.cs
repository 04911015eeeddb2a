using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// Sampled prompt + response rows, right-padded: <see cref="InputIds"/> and <see cref="AttentionMask"/> [batch, seq];
/// <see cref="ResponseMask"/> [batch, seq - 1] marks the positions whose next token is a response token (the positions
/// the policy acted at). Built on the CPU as arrays, turned into tensors by <see cref="ToTensors"/>.
/// </summary>
public sealed class Rollout
{
    /// <summary>Rows.</summary>
    public required int Size { get; init; }

    /// <summary>Columns (the longest prompt + response).</summary>
    public required int Length { get; init; }

    /// <summary>Token ids, row-major.</summary>
    public required long[] InputIds { get; init; }

    /// <summary>1 real, 0 padding, row-major.</summary>
    public required long[] AttentionMask { get; init; }

    /// <summary>1 where the next token is a response token, [Size * (Length - 1)].</summary>
    public required float[] ResponseMask { get; init; }

    /// <summary>The response tokens of each row.</summary>
    public required IReadOnlyList<IReadOnlyList<long>> Responses { get; init; }

    /// <summary>Rows of <paramref name="prompts"/> followed by <paramref name="responses"/>, padded with <paramref name="padId"/>.</summary>
    public static Rollout Build(IReadOnlyList<IReadOnlyList<long>> prompts, IReadOnlyList<IReadOnlyList<long>> responses, int padId)
    {
        var size = prompts.Count;
        var length = Enumerable.Range(0, size).Max(i => prompts[i].Count + responses[i].Count);
        var ids = new long[size * length];
        var mask = new long[size * length];
        var response = new float[size * (length - 1)];
        Array.Fill(ids, padId);
        for (var row = 0; row < size; row++)
        {
            var p = prompts[row];
            var r = responses[row];
            for (var i = 0; i < p.Count + r.Count; i++)
            {
                ids[row * length + i] = i < p.Count ? p[i] : r[i - p.Count];
                mask[row * length + i] = 1;
            }
            // Position t predicts token t + 1: the response tokens at p.Count .. p.Count + r.Count - 1 are predicted at t - 1.
            for (var t = p.Count - 1; t < p.Count + r.Count - 1; t++) response[row * (length - 1) + t] = 1;
        }
        return new Rollout { Size = size, Length = length, InputIds = ids, AttentionMask = mask, ResponseMask = response, Responses = responses };
    }

    /// <summary>The arrays as tensors on <paramref name="device"/> (inside the caller's dispose scope).</summary>
    public (Tensor InputIds, Tensor AttentionMask, Tensor ResponseMask) ToTensors(Device device) => (
        tensor(InputIds, [Size, Length], ScalarType.Int64, device),
        tensor(AttentionMask, [Size, Length], ScalarType.Int64, device),
        tensor(ResponseMask, [Size, Length - 1], ScalarType.Float32, device));
}
