namespace FineTune.Trainer.Models.Generation;

/// <summary>How <see cref="TextGenerator"/> picks tokens.</summary>
public sealed record GenerationOptions
{
    /// <summary>Tokens to add after the prompt at most.</summary>
    public int MaxNewTokens { get; init; } = 32;

    /// <summary>0 = greedy (argmax); otherwise logits are divided by it before sampling (higher = more random).</summary>
    public double Temperature { get; init; }

    /// <summary>Nucleus sampling: sample only from the smallest set of tokens whose probability sums to at least this (1 = all).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Seed of the sampling generator (same seed, same output).</summary>
    public long Seed { get; init; }

    /// <summary>Stop after emitting this token (it is included in the output).</summary>
    public long? EosTokenId { get; init; }

    /// <summary>Reuse keys/values of earlier tokens (true) or recompute the whole sequence each step (false: for checks).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Throws when a value is out of range, naming it.</summary>
    public void Validate()
    {
        if (MaxNewTokens < 0) throw new ArgumentException($"max new tokens: {MaxNewTokens}; expected 0 or more.");
        if (Temperature < 0 || double.IsNaN(Temperature)) throw new ArgumentException($"temperature: {Temperature}; expected 0 (greedy) or more.");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"top_p: {TopP}; expected a value in (0, 1].");
    }
}
