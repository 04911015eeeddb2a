using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;

namespace FineTune.Trainer.Training.Checkpointing;

/// <summary>
/// Checkpoints kept by the storage component's <see cref="CheckpointStore"/> (S3 or a local store, with a manifest of
/// SHA-256 sums written last and verified on download). The loop still writes each checkpoint as a local directory
/// under <c>scratchDirectory</c>; this class uploads it and downloads the newest verified one to resume.
/// <c>commitCancellation</c> aborts a save in flight (the grace budget after SIGTERM); an aborted save leaves no
/// manifest, so nothing resumes from it.
/// </summary>
public sealed class ObjectStoreCheckpointStore(CheckpointStore store, string scratchDirectory,
    CancellationToken commitCancellation = default) : ICheckpointStore
{
    /// <inheritdoc />
    public string CreateStagingDirectory(long step)
    {
        var staging = Path.Combine(scratchDirectory, "staging", LocalCheckpointStore.FolderName(step));
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <inheritdoc />
    public string Commit(string stagingDirectory, long step, IReadOnlyDictionary<string, double> metrics)
    {
        var saved = store.SaveAsync(stagingDirectory, step, metrics, commitCancellation).GetAwaiter().GetResult();
        Directory.Delete(stagingDirectory, recursive: true);
        return saved.Location.ToString();
    }

    /// <inheritdoc />
    public string? LatestForResume()
    {
        var local = Path.Combine(scratchDirectory, "resume");
        return store.RestoreLatestAsync(local).GetAwaiter().GetResult() is null ? null : local;
    }

    /// <inheritdoc />
    public string? Find(long step)
    {
        var checkpoint = store.ListVerifiedAsync().GetAwaiter().GetResult().FirstOrDefault(c => c.Step == step);
        if (checkpoint is null) return null;
        var local = Path.Combine(scratchDirectory, "found", LocalCheckpointStore.FolderName(step));
        if (Directory.Exists(local)) Directory.Delete(local, recursive: true);
        store.DownloadAsync(checkpoint, local).GetAwaiter().GetResult();
        return local;
    }
}
