using FineTune.Api.Contract;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Caching;
using FineTune.Trainer.Storage.Resilience;
using FineTune.Trainer.Storage.S3;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Jobs;

/// <summary>
/// What one <c>trainer run</c> needs around the planner and the runner: storage for the job (S3 when spec.storage is
/// set), a URI resolver that downloads s3:// inputs through the ETag cache in the scratch space, and, when
/// spec.output.uri is s3://, checkpoints in the object store and the final upload of the stage's outputs.
/// </summary>
public sealed class JobSession : IDisposable
{
    private readonly FineTuneJob _job;
    private readonly ObjectStorage _storage;
    private readonly LocalUriResolver _local;
    private readonly StorageUri? _remoteOutput;
    private readonly DownloadCache _cache;

    private JobSession(FineTuneJob job, ObjectStorage storage, LocalUriResolver local, StorageUri? remoteOutput, string scratchDirectory)
    {
        _job = job;
        _storage = storage;
        _local = local;
        _remoteOutput = remoteOutput;
        ScratchDirectory = scratchDirectory;
        _cache = new DownloadCache(storage, Path.Combine(scratchDirectory, "cache"));
        Resolver = new StorageUriResolver(_cache, local);
    }

    /// <summary>Local working space: the download cache, checkpoint staging and the mirror of s3:// outputs.</summary>
    public string ScratchDirectory { get; }

    /// <summary>Resolves the job's URIs (and earlier stages' outputs) to local paths.</summary>
    public IUriResolver Resolver { get; }

    /// <summary>True when the stage's outputs go to an object store.</summary>
    public bool HasRemoteOutput => _remoteOutput is not null;

    /// <summary>
    /// Opens a session for <paramref name="job"/>; relative paths resolve against <paramref name="manifestDirectory"/>.
    /// </summary>
    /// <param name="job">The job as loaded.</param>
    /// <param name="manifestDirectory">Folder of the job file.</param>
    /// <param name="scratchDirectory">Local working space (null: <see cref="DefaultScratchDirectory"/>).</param>
    /// <param name="events">Receives storage retries, failures and bytes (the trainer's metrics).</param>
    /// <param name="environment">Reads environment variables (credentials); tests pass their own.</param>
    /// <param name="retry">Backoff for transient storage errors (null: the store's default, about two minutes).</param>
    /// <exception cref="JobInputException">The storage block or output URI cannot be used.</exception>
    public static JobSession Open(FineTuneJob job, string manifestDirectory, string? scratchDirectory = null,
        IStorageEvents? events = null, Func<string, string?>? environment = null, RetryOptions? retry = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var scratch = Path.GetFullPath(scratchDirectory ?? DefaultScratchDirectory(environment));
        var spec = job.Spec;

        S3StoreOptions? s3 = null;
        if (spec.Storage is { } storage)
        {
            try
            {
                s3 = S3StoreOptions.FromSpec(storage, environment);
            }
            catch (InvalidOperationException error)
            {
                throw new JobInputException($"spec.storage (endpoint {storage.Endpoint}): {error.Message}");
            }
            if (retry is not null) s3 = s3 with { Retry = retry };
        }

        StorageUri? remoteOutput = null;
        if (StorageUriResolver.IsS3(spec.Output.Uri))
        {
            try
            {
                remoteOutput = StorageUri.Parse(spec.Output.Uri).AsPrefix();
            }
            catch (ArgumentException error)
            {
                throw new JobInputException($"spec.output.uri: {error.Message}");
            }
            if (s3 is null)
                throw new JobInputException(
                    $"spec.output.uri: '{spec.Output.Uri}' is an s3:// URI but the job has no spec.storage block; add spec.storage.endpoint (and credentialsSecret).");
        }

        var storageClient = new ObjectStorage(s3, events: events);
        return new JobSession(job, storageClient, new LocalUriResolver(manifestDirectory), remoteOutput, scratch);
    }

    /// <summary>$FINETUNE_SCRATCH_DIR (an emptyDir in pods), else a folder in the system's temporary directory.</summary>
    public static string DefaultScratchDirectory(Func<string, string?>? environment = null)
    {
        var configured = (environment ?? Environment.GetEnvironmentVariable)(TrainerEnvironment.ScratchDirectory);
        return string.IsNullOrWhiteSpace(configured) ? Path.Combine(Path.GetTempPath(), "finetune-scratch") : configured;
    }

    /// <summary>
    /// Plans <paramref name="stage"/> of the job (downloading s3:// inputs) under <paramref name="runId"/>. Cancelling
    /// <paramref name="stop"/> (SIGTERM) abandons the downloads with an <see cref="OperationCanceledException"/>: a pod
    /// evicted before training starts has nothing to checkpoint and should not hold its node for a model download.
    /// </summary>
    public JobPlan Plan(string? stage, string runId, CancellationToken stop = default) =>
        JobPlanner.Plan(_job, stage, runId, new StorageUriResolver(_cache, _local, stop), uri => _remoteOutput is { } remote
            ? RemoteStageOutput.LocalMirror(remote, ScratchDirectory)
            : _local.ToPath(uri, "spec.output.uri"));

    /// <summary>Where the stage's outputs end up: the s3:// stage prefix, or the local stage directory.</summary>
    public string OutputLocation(JobPlan plan) => Remote(plan)?.StagePrefix.ToString() ?? plan.RunDirectory;

    /// <summary>Where the stage's checkpoints end up.</summary>
    public string CheckpointsLocation(JobPlan plan) => Remote(plan)?.CheckpointsPrefix.ToString() ?? plan.CheckpointsDirectory;

    /// <summary>
    /// Runs <paramref name="plan"/>. Cancelling <paramref name="stop"/> (SIGTERM) checkpoints after the current step;
    /// cancelling <paramref name="checkpointDeadline"/> aborts an object-store checkpoint save still in flight. With an
    /// s3:// output the finished stage's outputs and metrics.json are uploaded (nothing but the checkpoint when interrupted).
    /// </summary>
    public JobResult Run(JobPlan plan, ITrainingObserver observer, CancellationToken stop = default,
        CancellationToken checkpointDeadline = default)
    {
        var remote = Remote(plan);
        if (remote is null) return JobRunner.Run(plan, observer, stop);

        var result = JobRunner.Run(plan, observer, stop, remote.CreateCheckpointStore(_job.Spec.Output.KeepCheckpoints, checkpointDeadline));
        if (result.Interrupted) return result;
        var published = remote.PublishAsync(result).GetAwaiter().GetResult();
        observer.OnMessage($"outputs uploaded to {remote.StagePrefix}");
        return published;
    }

    /// <inheritdoc />
    public void Dispose() => _storage.Dispose();

    private RemoteStageOutput? Remote(JobPlan plan) =>
        _remoteOutput is { } output ? new RemoteStageOutput(_storage, plan, output, ScratchDirectory) : null;
}
