namespace FineTune.Operator.Configuration;

/// <summary>
/// Settings of the operator process, bound from the <c>Operator</c> configuration section (appsettings, environment
/// variables such as <c>Operator__TrainerImage</c>, or command-line <c>--Operator:TrainerImage=...</c>).
/// </summary>
public sealed class OperatorOptions
{
    /// <summary>Configuration section the options are bound from.</summary>
    public const string Section = "Operator";

    /// <summary>Trainer image used when a FineTuneJob leaves spec.image empty.</summary>
    public string TrainerImage { get; set; } = "ghcr.io/finetune/trainer:0.1.0";

    /// <summary>Namespace whose FineTuneJobs are reconciled; empty watches every namespace.</summary>
    public string? WatchNamespace { get; set; }

    /// <summary>
    /// API server URL to talk to without credentials (the local cluster mode's in-process server); takes precedence
    /// over <see cref="Kubeconfig"/>.
    /// </summary>
    public string? ApiServerUrl { get; set; }

    /// <summary>Kubeconfig file to use outside a cluster; empty uses KUBECONFIG or ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>FineTuneJobs reconciled in parallel (one reconcile per job at a time).</summary>
    public int MaxConcurrentReconciles { get; set; } = 8;

    /// <summary>Every job is reconciled at least this often, even without events (a safety net for missed events).</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a running job is looked at again without events (deadlines, stuck pods).</summary>
    public TimeSpan RunningRequeue { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a queued job re-checks its admission queue.</summary>
    public TimeSpan QueuedRequeue { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First retry delay after a failed reconcile; doubles per failure of the same job.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the per-job retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Server-side timeout of one watch request; the watch is then re-opened from the last resourceVersion.</summary>
    public int WatchTimeoutSeconds { get; set; } = 300;

    /// <summary>Seconds the trainer gets after SIGTERM to write a checkpoint (suspend, preemption).</summary>
    public int CheckpointGraceSeconds { get; set; } = 300;

    /// <summary>Port of the trainer's Prometheus endpoint inside the pod.</summary>
    public int TrainerMetricsPort { get; set; } = 9400;

    /// <summary>User and group id the trainer runs as (the root filesystem is read-only and root is refused).</summary>
    public long TrainerUserId { get; set; } = 1000;

    /// <summary>GPUs each admission queue may hand out at once; a queue not listed is unlimited.</summary>
    public Dictionary<string, int> QueueGpuCapacity { get; set; } = new();

    /// <summary>Leader election between replicas.</summary>
    public LeaderElectionOptions LeaderElection { get; set; } = new();
}
