namespace FineTune.Trainer.Storage.Resilience;

/// <summary>Hooks for counting retries and failures (the trainer's metrics subscribe here).</summary>
public interface IStorageEvents
{
    /// <summary>A transient error happened and the operation will be tried again.</summary>
    void Retrying(StorageOperation operation, StorageUri location, int attempt, TimeSpan delay, StorageFailure failure);

    /// <summary>The operation failed for good.</summary>
    void Failed(StorageOperation operation, StorageUri location, StorageFailure failure);

    /// <summary>Bytes moved by a finished transfer.</summary>
    void Transferred(StorageOperation operation, long bytes);
}
