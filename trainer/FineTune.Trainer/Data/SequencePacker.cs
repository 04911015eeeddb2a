namespace FineTune.Trainer.Data;

/// <summary>
/// Packing: concatenates the examples' sequences (each already ending in EOS) and cuts the stream into sequences of
/// exactly the sequence length, so no compute is spent on padding. The last piece may be shorter. Pieces without any
/// target (possible under completion-only loss) are dropped. Attention is not blocked between packed records.
/// </summary>
public static class SequencePacker
{
    /// <summary>Packs <paramref name="examples"/> into sequences of <paramref name="sequenceLength"/> tokens.</summary>
    public static List<Example> Pack(IReadOnlyList<Example> examples, int sequenceLength)
    {
        var packed = new List<Example>();
        var ids = new List<int>(sequenceLength);
        var labels = new List<int>(sequenceLength);
        long firstLine = 0;
        void Flush()
        {
            if (ids.Count > 0 && labels.Any(l => l != TokenSequence.IgnoreIndex))
                packed.Add(new Example(new TokenSequence([.. ids], [.. labels]), firstLine));
            ids.Clear();
            labels.Clear();
        }
        foreach (var example in examples)
        {
            var sequence = example.Sequence;
            for (var i = 0; i < sequence.Length; i++)
            {
                if (ids.Count == 0) firstLine = example.Line;
                ids.Add(sequence.InputIds[i]);
                labels.Add(sequence.Labels[i]);
                if (ids.Count == sequenceLength) Flush();
            }
        }
        Flush();
        return packed;
    }
}
