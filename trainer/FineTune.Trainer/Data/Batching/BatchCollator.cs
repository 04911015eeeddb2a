namespace FineTune.Trainer.Data.Batching;

/// <summary>Pads examples into a <see cref="Batch"/>.</summary>
public static class BatchCollator
{
    /// <summary>
    /// Pads <paramref name="examples"/> to the longest sequence among them (or to <paramref name="padTo"/> when longer)
    /// with <paramref name="padId"/>, on <paramref name="side"/>.
    /// </summary>
    public static Batch Collate(IReadOnlyList<Example> examples, int padId, PaddingSide side = PaddingSide.Right, int? padTo = null)
    {
        if (examples.Count == 0) throw new ArgumentException("a batch needs at least one example", nameof(examples));
        var length = examples.Max(e => Math.Max(e.Sequence.Length, e.Rejected?.Length ?? 0));
        if (padTo is int target && target > length) length = target;
        var hasRejected = examples[0].Rejected is not null;
        if (examples.Any(e => (e.Rejected is not null) != hasRejected))
            throw new ArgumentException("a batch cannot mix preference and other examples", nameof(examples));
        var hasClass = examples[0].ClassLabel is not null;

        return Rows(examples.Select(e => e.Sequence).ToList(), examples, length, padId, side,
            hasClass ? [.. examples.Select(e => (long)(e.ClassLabel ?? throw new ArgumentException("a batch cannot mix labelled and unlabelled examples", nameof(examples))))] : null,
            hasRejected ? Rows(examples.Select(e => e.Rejected!).ToList(), examples, length, padId, side, null, null) : null);
    }

    private static Batch Rows(IReadOnlyList<TokenSequence> sequences, IReadOnlyList<Example> examples, int length, int padId,
        PaddingSide side, long[]? classLabels, Batch? rejected)
    {
        var size = sequences.Count;
        var ids = new long[size * length];
        var mask = new long[size * length];
        var labels = new long[size * length];
        Array.Fill(ids, padId);
        Array.Fill(labels, TokenSequence.IgnoreIndex);
        for (var row = 0; row < size; row++)
        {
            var sequence = sequences[row];
            var start = row * length + (side == PaddingSide.Left ? length - sequence.Length : 0);
            for (var i = 0; i < sequence.Length; i++)
            {
                ids[start + i] = sequence.InputIds[i];
                labels[start + i] = sequence.Labels[i];
                mask[start + i] = 1;
            }
        }
        return new Batch
        {
            Size = size,
            Length = length,
            InputIds = ids,
            AttentionMask = mask,
            Labels = labels,
            ClassLabels = classLabels,
            Rejected = rejected,
            PromptLengths = [.. examples.Select(e => e.PromptLength)],
            Lines = [.. examples.Select(e => e.Line)],
        };
    }
}
