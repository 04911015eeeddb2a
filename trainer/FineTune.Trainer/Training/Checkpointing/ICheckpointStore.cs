namespace FineTune.Trainer.Training.Checkpointing;

/// <summary>
/// Where a run's checkpoints go. The loop writes each checkpoint as a local directory (see
/// <see cref="TrainingCheckpoint"/>) and hands it over; the store makes it durable (a local folder, or an object
/// store through the storage component's CheckpointStore) and finds the newest complete one to resume from.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>A fresh empty local directory to write the checkpoint of <paramref name="step"/> into.</summary>
    string CreateStagingDirectory(long step);

    /// <summary>
    /// Takes over the written <paramref name="stagingDirectory"/> as the checkpoint of <paramref name="step"/> with its
    /// <paramref name="metrics"/> (eval_loss when evaluated), and applies retention. Returns where it now lives.
    /// </summary>
    string Commit(string stagingDirectory, long step, IReadOnlyDictionary<string, double> metrics);

    /// <summary>A local directory holding the newest complete checkpoint, or null when the run has none.</summary>
    string? LatestForResume();

    /// <summary>A local directory holding the committed checkpoint of <paramref name="step"/>, or null.</summary>
    string? Find(long step);
}
