namespace FineTune.Trainer.Rlhf;

/// <summary>Cycles through prompt indices in a seeded shuffled order, reshuffling every epoch.</summary>
public sealed class PromptOrder(int count, long seed)
{
    private int[] _order = [];
    private int _next;

    /// <summary>Full passes over the prompts so far (0-based epoch of the next prompt).</summary>
    public int Epoch { get; private set; } = -1;

    /// <summary>The next prompt index.</summary>
    public int Next()
    {
        if (_next >= _order.Length)
        {
            Epoch++;
            _order = Enumerable.Range(0, count).ToArray();
            new Random(unchecked((int)(seed * 31 + Epoch))).Shuffle(_order);
            _next = 0;
        }
        return _order[_next++];
    }
}
