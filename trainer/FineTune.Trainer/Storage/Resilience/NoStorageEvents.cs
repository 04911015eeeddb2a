namespace FineTune.Trainer.Storage.Resilience;

/// <summary>Storage events nobody listens to.</summary>
public sealed class NoStorageEvents : IStorageEvents
{
    /// <summary>The shared instance.</summary>
    public static readonly NoStorageEvents Instance = new();

    /// <inheritdoc />
    public void Retrying(StorageOperation operation, StorageUri location, int attempt, TimeSpan delay, StorageFailure failure) { }

    /// <inheritdoc />
    public void Failed(StorageOperation operation, StorageUri location, StorageFailure failure) { }

    /// <inheritdoc />
    public void Transferred(StorageOperation operation, long bytes) { }
}
