namespace FineTune.Trainer.Models;

/// <summary>Rejects positions beyond a model's learned position table with a message that counts virtual tokens.</summary>
public static class PositionLimit
{
    /// <summary>
    /// Throws when position <paramref name="highest"/> is outside <paramref name="maxPositions"/>.
    /// <paramref name="virtualTokens"/> are the method's virtual tokens in front of the <paramref name="sequenceLength"/>
    /// real tokens.
    /// </summary>
    /// <exception cref="ArgumentException">The position is beyond the table.</exception>
    public static void Check(long highest, int maxPositions, long virtualTokens, long sequenceLength)
    {
        if (highest < maxPositions) return;
        if (virtualTokens == 0)
            throw new ArgumentException(
                $"sequence position {highest} is beyond the model's {maxPositions} positions (max_position_embeddings); " +
                "truncate the input or use a shorter max sequence length.");
        throw new ArgumentException(Message(virtualTokens, sequenceLength, maxPositions, "the sequence length"));
    }

    /// <summary>
    /// The error for <paramref name="virtualTokens"/> (spec.prefix.virtualTokens) plus a sequence of
    /// <paramref name="sequenceLength"/> tokens (named <paramref name="sequenceField"/>) over <paramref name="maxPositions"/>.
    /// </summary>
    public static string Message(long virtualTokens, long sequenceLength, int maxPositions, string sequenceField) =>
        $"spec.prefix.virtualTokens: {virtualTokens} virtual tokens plus {sequenceLength} sequence tokens ({sequenceField}) " +
        $"need {virtualTokens + sequenceLength} positions but the model has {maxPositions} (max_position_embeddings); " +
        $"the real tokens' positions start after the virtual tokens, so expected virtual tokens + sequence length ≤ {maxPositions}: " +
        "lower one of them.";
}
