namespace FineTune.Trainer.Data.Batching;

/// <summary>
/// Hands out batches epoch after epoch. With shuffling, each epoch visits the examples in a permutation derived from
/// the seed and the epoch number; without, in order. An epoch ends with a smaller batch when the count does not divide
/// (unless <c>dropLast</c>). <see cref="Position"/> after any batch can be saved and passed back in to continue exactly.
/// </summary>
public sealed class BatchIterator
{
    private readonly IReadOnlyList<Example> _examples;
    private readonly int _batchSize;
    private readonly int _padId;
    private readonly bool _shuffle;
    private readonly bool _dropLast;
    private readonly PaddingSide _side;
    private int[] _order;

    /// <summary>Iterates <paramref name="examples"/>, from <paramref name="start"/> when resuming.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="start"/> belongs to another seed or dataset size.</exception>
    public BatchIterator(IReadOnlyList<Example> examples, int batchSize, int padId, long seed, bool shuffle = true,
        DataPosition? start = null, bool dropLast = false, PaddingSide side = PaddingSide.Right)
    {
        if (examples.Count == 0) throw new ArgumentException("there are no examples to iterate", nameof(examples));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (dropLast && examples.Count < batchSize)
            throw new ArgumentException($"{examples.Count} examples do not fill one batch of {batchSize}", nameof(batchSize));
        _examples = examples;
        _batchSize = batchSize;
        _padId = padId;
        _shuffle = shuffle;
        _dropLast = dropLast;
        _side = side;
        if (start is not null)
        {
            if (start.Seed != seed || start.ExampleCount != examples.Count)
                throw new InvalidOperationException(
                    $"the saved data position (seed {start.Seed}, {start.ExampleCount} examples) does not match this run " +
                    $"(seed {seed}, {examples.Count} examples): the dataset or seed changed since the checkpoint");
            if (start.Index < 0 || start.Index > examples.Count || start.Epoch < 0)
                throw new InvalidOperationException($"the saved data position (epoch {start.Epoch}, index {start.Index}) is out of range");
        }
        Position = start ?? new DataPosition(0, 0, seed, examples.Count);
        _order = OrderOf(Position.Epoch);
    }

    /// <summary>The position after the last batch handed out.</summary>
    public DataPosition Position { get; private set; }

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch => _dropLast ? _examples.Count / _batchSize : (_examples.Count + _batchSize - 1) / _batchSize;

    /// <summary>The next batch; moves to the next epoch when this one is used up.</summary>
    public Batch Next()
    {
        var remaining = _examples.Count - Position.Index;
        if (remaining == 0 || (_dropLast && remaining < _batchSize))
        {
            Position = Position with { Epoch = Position.Epoch + 1, Index = 0 };
            _order = OrderOf(Position.Epoch);
        }
        var take = Math.Min(_batchSize, _examples.Count - Position.Index);
        var rows = new Example[take];
        for (var i = 0; i < take; i++) rows[i] = _examples[_order[Position.Index + i]];
        Position = Position with { Index = Position.Index + take };
        return BatchCollator.Collate(rows, _padId, _side);
    }

    private int[] OrderOf(int epoch) =>
        _shuffle ? DeterministicRandom.For(Position.Seed, stream: 1000 + epoch).Permutation(_examples.Count) : [.. Enumerable.Range(0, _examples.Count)];
}
