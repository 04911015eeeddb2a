using FineTune.Trainer.Training.Checkpointing;

namespace FineTune.Trainer.Methods.Upft;

/// <summary>
/// A checkpoint store that puts the run's sample set (<see cref="UpftSampleSet.FileName"/>) into every checkpoint
/// before handing it to <paramref name="inner"/>, so the set travels wherever checkpoints go (a local folder, or the
/// object store, where the run directory of a pod does not survive it) and a resume reads back exactly what was trained on.
/// </summary>
public sealed class SampleCarryingCheckpointStore(ICheckpointStore inner, string sampleSetFile) : ICheckpointStore
{
    /// <inheritdoc />
    public string CreateStagingDirectory(long step) => inner.CreateStagingDirectory(step);

    /// <inheritdoc />
    public string Commit(string stagingDirectory, long step, IReadOnlyDictionary<string, double> metrics)
    {
        File.Copy(sampleSetFile, Path.Combine(stagingDirectory, UpftSampleSet.FileName), overwrite: true);
        return inner.Commit(stagingDirectory, step, metrics);
    }

    /// <inheritdoc />
    public string? LatestForResume() => inner.LatestForResume();

    /// <inheritdoc />
    public string? Find(long step) => inner.Find(step);
}
