namespace FineTune.Trainer.Data.Batching;

/// <summary>
/// Where a <see cref="BatchIterator"/> stands, saved in checkpoints so that a resumed run sees exactly the batches an
/// uninterrupted run would. The shuffle of an epoch is derived from (<see cref="Seed"/>, <see cref="Epoch"/>), so this
/// record is the complete random state; <see cref="ExampleCount"/> detects a dataset that changed in between.
/// Serialises with System.Text.Json as is.
/// </summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Index">Examples of this epoch already handed out.</param>
/// <param name="Seed">Shuffle seed (hyperparameters.seed).</param>
/// <param name="ExampleCount">Number of examples being iterated.</param>
public sealed record DataPosition(int Epoch, int Index, long Seed, int ExampleCount);
