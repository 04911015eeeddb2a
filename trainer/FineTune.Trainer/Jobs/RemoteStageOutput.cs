using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.Training.Checkpointing;

namespace FineTune.Trainer.Jobs;

/// <summary>
/// A stage whose spec.output.uri is s3://: the trainer works in a local mirror of the stage directory (in the scratch
/// space) and this class makes it durable under <c>&lt;output&gt;/&lt;run id&gt;/&lt;stage&gt;/</c> (the operator's
/// layout): checkpoints through the manifest-last <see cref="CheckpointStore"/> as they are written, and at the end
/// adapter/ and merged/, then metrics.json last (its presence means the stage's outputs are complete).
/// </summary>
public sealed class RemoteStageOutput
{
    private readonly IObjectStore _store;
    private readonly string _scratch;

    /// <summary>The output of <paramref name="plan"/>, stored under <paramref name="outputUri"/> in <paramref name="store"/>.</summary>
    public RemoteStageOutput(IObjectStore store, JobPlan plan, StorageUri outputUri, string scratchDirectory)
    {
        _store = store;
        Plan = plan;
        StagePrefix = StagePrefixOf(outputUri, plan.RunId, plan.Stage);
        _scratch = Path.Combine(scratchDirectory, "checkpoints", plan.RunId, plan.Stage);
    }

    /// <summary>The stage being run.</summary>
    public JobPlan Plan { get; }

    /// <summary>The stage's prefix: &lt;output&gt;/&lt;run id&gt;/&lt;stage&gt;/.</summary>
    public StorageUri StagePrefix { get; }

    /// <summary>Where the checkpoints of the stage live.</summary>
    public StorageUri CheckpointsPrefix => StagePrefix.Append("checkpoints/");

    /// <summary>The stage prefix for a run id and stage under an output URI.</summary>
    public static StorageUri StagePrefixOf(StorageUri outputUri, string runId, string stage) =>
        outputUri.AsPrefix().Append($"{runId}/{stage}/");

    /// <summary>The local folder that mirrors <paramref name="outputUri"/> inside the scratch space.</summary>
    public static string LocalMirror(StorageUri outputUri, string scratchDirectory) =>
        Path.Combine(scratchDirectory, "outputs", outputUri.Bucket, outputUri.AsPrefix().Key.TrimEnd('/'));

    /// <summary>
    /// A checkpoint store keeping <paramref name="keepLast"/> checkpoints plus the best (lowest eval_loss) in the
    /// object store. <paramref name="commitCancellation"/> aborts a save in flight (the grace budget after SIGTERM):
    /// an aborted save leaves no manifest, so resume keeps using the previous checkpoint.
    /// </summary>
    public ICheckpointStore CreateCheckpointStore(int keepLast, CancellationToken commitCancellation = default) =>
        new ObjectStoreCheckpointStore(
            new CheckpointStore(_store, StagePrefix, new CheckpointRetention { KeepLast = keepLast }),
            _scratch, commitCancellation);

    /// <summary>
    /// Uploads the exported folders of <paramref name="result"/> and then metrics.json, whose outputs now name the
    /// s3:// locations. Returns the result as published.
    /// </summary>
    public async Task<JobResult> PublishAsync(JobResult result, CancellationToken cancellationToken = default)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (kind, localDirectory) in result.Outputs)
        {
            var prefix = StagePrefix.Append(Path.GetFileName(localDirectory.TrimEnd(Path.DirectorySeparatorChar)) + "/");
            await _store.UploadDirectoryAsync(localDirectory, prefix, cancellationToken: cancellationToken).ConfigureAwait(false);
            outputs[kind] = prefix.ToString();
        }

        var published = result with { Outputs = outputs };
        JobRunner.WriteSummary(Plan, published);
        await _store.PutFromFileAsync(StagePrefix.Append(Path.GetFileName(Plan.ResultFile)), Plan.ResultFile, cancellationToken)
            .ConfigureAwait(false);
        return published;
    }
}
