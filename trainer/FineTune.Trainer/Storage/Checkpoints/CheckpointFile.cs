namespace FineTune.Trainer.Storage.Checkpoints;

/// <summary>One file of a checkpoint as the manifest records it.</summary>
/// <param name="Path">Path relative to the checkpoint directory, with '/' separators.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the content, lowercase hex.</param>
public sealed record CheckpointFile(string Path, long Size, string Sha256);
