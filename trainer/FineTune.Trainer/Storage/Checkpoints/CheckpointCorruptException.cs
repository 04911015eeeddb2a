namespace FineTune.Trainer.Storage.Checkpoints;

/// <summary>A downloaded checkpoint file does not match its manifest (size or SHA-256).</summary>
public sealed class CheckpointCorruptException : Exception
{
    /// <summary>Creates the error.</summary>
    public CheckpointCorruptException(string message, StorageUri location) : base(message) => Location = location;

    /// <summary>The file that did not match.</summary>
    public StorageUri Location { get; }
}
