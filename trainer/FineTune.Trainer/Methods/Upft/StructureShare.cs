using FineTune.Trainer.Data;

namespace FineTune.Trainer.Methods.Upft;

/// <summary>
/// Picks the samples trained on their whole answer (the paper's structure-preserving share, which keeps the model's
/// answer format while the rest teach only the first tokens). Exactly round(count × ratio) samples are chosen, by a
/// seeded permutation, so the share is the ratio for any sample count and the same seed picks the same samples.
/// </summary>
public static class StructureShare
{
    // A stream of its own, so the choice does not move when other seeded draws (shuffling, splits) change.
    private const long Stream = 0x55_50_46_54; // "UPFT"

    /// <summary>How many of <paramref name="count"/> samples keep their whole answer at <paramref name="ratio"/>.</summary>
    public static int Size(int count, double ratio) => (int)Math.Round(count * ratio, MidpointRounding.AwayFromZero);

    /// <summary>For each of <paramref name="count"/> samples, true when it keeps its whole answer.</summary>
    public static bool[] Choose(int count, double ratio, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!(ratio >= 0 && ratio <= 1)) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "expected a share in [0, 1]");
        var chosen = new bool[count];
        if (count == 0) return chosen;
        foreach (var index in DeterministicRandom.For(seed, Stream).Permutation(count).Take(Size(count, ratio))) chosen[index] = true;
        return chosen;
    }
}
