namespace FineTune.Trainer.Data.Batching;

/// <summary>Where padding goes in a batch.</summary>
public enum PaddingSide
{
    /// <summary>After the tokens: for training and evaluation.</summary>
    Right,

    /// <summary>Before the tokens: for generation, so every row's last real token is in the last column.</summary>
    Left,
}
