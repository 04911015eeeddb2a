using FineTune.Trainer.Data.Batching;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// Cycles through prompt indices in a seeded shuffled order, reshuffling every epoch. The order of an epoch depends
/// only on (seed, epoch), so <see cref="Position"/> is its whole state: saved in a checkpoint and passed back in, the
/// prompts continue exactly.
/// </summary>
public sealed class PromptOrder
{
    private readonly int _count;
    private readonly long _seed;
    private int[]? _order;
    private int _epoch;
    private int _index;

    /// <summary>The order over <paramref name="count"/> prompts, from <paramref name="start"/> when resuming.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="start"/> belongs to another seed or number of prompts.</exception>
    public PromptOrder(int count, long seed, DataPosition? start = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (start is not null)
        {
            if (start.Seed != seed || start.ExampleCount != count)
                throw new InvalidOperationException(
                    $"the saved prompt position (seed {start.Seed}, {start.ExampleCount} prompts) does not match this run " +
                    $"(seed {seed}, {count} prompts); the prompts or the seed changed since the checkpoint: use a new run id");
            if (start.Epoch < 0 || start.Index < 0 || start.Index > count)
                throw new InvalidOperationException($"the saved prompt position (epoch {start.Epoch}, index {start.Index}) is out of range");
        }
        _count = count;
        _seed = seed;
        _epoch = start?.Epoch ?? 0;
        _index = start?.Index ?? 0;
    }

    /// <summary>0-based epoch of the last prompt handed out (0 before the first).</summary>
    public int Epoch => _epoch;

    /// <summary>Where the order stands: the epoch and how many of its prompts were handed out.</summary>
    public DataPosition Position => new(_epoch, _index, _seed, _count);

    /// <summary>The next prompt index.</summary>
    public int Next()
    {
        if (_index >= _count)
        {
            _epoch++;
            _index = 0;
            _order = null;
        }
        _order ??= OrderOf(_epoch);
        return _order[_index++];
    }

    private int[] OrderOf(int epoch)
    {
        var order = Enumerable.Range(0, _count).ToArray();
        new Random(unchecked((int)(_seed * 31 + epoch))).Shuffle(order);
        return order;
    }
}
