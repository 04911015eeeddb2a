namespace FineTune.Api.Contract;

/// <summary>
/// Environment variables through which the operator (or the local runner) tells a trainer pod what to do. Both sides
/// use these names; nothing else is implied by the pod.
/// </summary>
public static class TrainerEnvironment
{
    /// <summary>S3 access key, from the storage Secret through a secretKeyRef (never inline).</summary>
    public const string AccessKey = "AWS_ACCESS_KEY_ID";

    /// <summary>S3 secret key, from the storage Secret through a secretKeyRef (never inline).</summary>
    public const string SecretKey = "AWS_SECRET_ACCESS_KEY";

    /// <summary>
    /// Directory where the storage Secret is mounted as files, one per key (named by spec.storage.accessKeyKey and
    /// secretKeyKey); read when <see cref="AccessKey"/> and <see cref="SecretKey"/> are not set.
    /// </summary>
    public const string StorageSecretDirectory = "FINETUNE_STORAGE_SECRET_DIR";

    /// <summary>Namespace of the FineTuneJob the pod trains.</summary>
    public const string JobNamespace = "FINETUNE_JOB_NAMESPACE";

    /// <summary>Name of the FineTuneJob the pod trains.</summary>
    public const string JobName = "FINETUNE_JOB_NAME";

    /// <summary>Run id: outputs go under spec.output.uri/&lt;run id&gt;/.</summary>
    public const string RunId = "FINETUNE_RUN_ID";

    /// <summary>Stage to run (train for single-stage methods; sft, reward, ppo or dpo for rlhf).</summary>
    public const string Stage = "FINETUNE_STAGE";

    /// <summary>rlhf iteration, from 1.</summary>
    public const string Iteration = "FINETUNE_ITERATION";

    /// <summary>Output URIs of earlier stages, as JSON: {"sft": "s3://...", "reward": "s3://..."}.</summary>
    public const string StageInputs = "FINETUNE_STAGE_INPUTS";

    /// <summary>Port of the trainer's Prometheus endpoint.</summary>
    public const string MetricsPort = "FINETUNE_METRICS_PORT";

    /// <summary>Seconds the trainer may spend writing a checkpoint after SIGTERM.</summary>
    public const string CheckpointGraceSeconds = "FINETUNE_CHECKPOINT_GRACE_SECONDS";

    /// <summary>Local scratch directory (an emptyDir in pods: the root filesystem is read-only).</summary>
    public const string ScratchDirectory = "FINETUNE_SCRATCH_DIR";

    /// <summary>Threads for libtorch, from the CPU limit (libtorch ignores container limits).</summary>
    public const string OmpNumThreads = "OMP_NUM_THREADS";

    /// <summary>Preloaded allocator; tcmalloc nearly doubles CPU training throughput.</summary>
    public const string LdPreload = "LD_PRELOAD";

    /// <summary>Where Debian and Ubuntu put tcmalloc (package libtcmalloc-minimal4).</summary>
    public const string TcmallocPath = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4";

    /// <summary>Directory the job's ConfigMap is mounted at; it holds <see cref="JobFileName"/>.</summary>
    public const string JobConfigDirectory = "/etc/finetune";

    /// <summary>File name of the job manifest inside the ConfigMap.</summary>
    public const string JobFileName = "job.yaml";
}
