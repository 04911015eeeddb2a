using FineTune.Api.V1Alpha1;
using Prometheus;

namespace FineTune.Operator.Metrics;

/// <summary>
/// The operator's Prometheus metrics. Durations use buckets far beyond prometheus-net's 10 s default: a reconcile
/// that waits on a slow API server takes seconds, a training stage hours.
/// </summary>
public sealed class OperatorMetrics
{
    private readonly Counter reconciles;
    private readonly Counter errors;
    private readonly Histogram reconcileDuration;
    private readonly Histogram stageDuration;
    private readonly Gauge jobs;
    private readonly Gauge gpus;
    private readonly Gauge queueDepth;
    private readonly Histogram queueLatency;
    private readonly Gauge leader;
    private Func<IEnumerable<FineTuneJob>> knownJobs = () => [];
    private Func<int> depth = () => 0;

    /// <summary>Registers the metrics in <paramref name="registry"/> (the default registry when null).</summary>
    public OperatorMetrics(CollectorRegistry? registry = null)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry ?? Prometheus.Metrics.DefaultRegistry);
        reconciles = factory.CreateCounter("finetune_operator_reconciles_total", "Reconciles by result (success, requeue, error).", "result");
        errors = factory.CreateCounter("finetune_operator_reconcile_errors_total", "Failed reconciles by error kind.", "kind");
        reconcileDuration = factory.CreateHistogram("finetune_operator_reconcile_duration_seconds", "Time one reconcile takes.",
            new HistogramConfiguration { Buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
        stageDuration = factory.CreateHistogram("finetune_operator_stage_duration_seconds", "Wall time of finished training stages.",
            new HistogramConfiguration
            {
                LabelNames = ["method", "stage", "phase"],
                Buckets = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 57600, 86400, 172800, 604800],
            });
        jobs = factory.CreateGauge("finetune_operator_jobs", "FineTuneJobs by phase and method.", "phase", "method");
        gpus = factory.CreateGauge("finetune_operator_gpus_requested", "GPUs requested by running FineTuneJobs, by queue.", "queue");
        queueDepth = factory.CreateGauge("finetune_operator_workqueue_depth", "Jobs waiting for a reconcile worker.");
        queueLatency = factory.CreateHistogram("finetune_operator_workqueue_latency_seconds", "Time a job waits in the work queue.",
            new HistogramConfiguration { Buckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60] });
        leader = factory.CreateGauge("finetune_operator_leader", "1 while this replica holds the leader lease.");
        (registry ?? Prometheus.Metrics.DefaultRegistry).AddBeforeCollectCallback(Refresh);
    }

    /// <summary>Where the per-phase and GPU gauges read the jobs from (the informer's copy).</summary>
    public void Observe(Func<IEnumerable<FineTuneJob>> jobsSource, Func<int> queueDepthSource)
    {
        knownJobs = jobsSource;
        depth = queueDepthSource;
    }

    /// <summary>A reconcile finished with <paramref name="result"/> (success, requeue or error) after <paramref name="duration"/>.</summary>
    public void Reconciled(string result, TimeSpan duration)
    {
        reconciles.WithLabels(result).Inc();
        reconcileDuration.Observe(duration.TotalSeconds);
    }

    /// <summary>A reconcile failed with an error of <paramref name="kind"/> (conflict, forbidden, invalid, unavailable, other).</summary>
    public void ReconcileFailed(string kind) => errors.WithLabels(kind).Inc();

    /// <summary>A stage finished.</summary>
    public void StageFinished(FineTuneMethod method, string stage, StagePhase phase, TimeSpan duration)
        => stageDuration.WithLabels(MethodName(method), stage, phase.ToString()).Observe(duration.TotalSeconds);

    /// <summary>A work item waited <paramref name="latency"/> before a worker took it.</summary>
    public void Dequeued(TimeSpan latency) => queueLatency.Observe(latency.TotalSeconds);

    /// <summary>This replica gained (true) or lost (false) leadership.</summary>
    public void SetLeader(bool isLeader) => leader.Set(isLeader ? 1 : 0);

    private void Refresh()
    {
        queueDepth.Set(depth());
        var snapshot = knownJobs().ToList();
        // Every phase × method series is set (zeros included) so a series drops to 0 instead of going stale.
        foreach (var phase in Enum.GetValues<JobPhase>())
            foreach (var method in Enum.GetValues<FineTuneMethod>())
                jobs.WithLabels(phase.ToString(), MethodName(method))
                    .Set(snapshot.Count(j => (j.Status?.Phase ?? JobPhase.Pending) == phase && j.Spec.Method == method));
        foreach (var queue in snapshot.Select(j => j.Spec.Scheduling.Queue).Distinct())
            gpus.WithLabels(queue).Set(snapshot
                .Where(j => j.Spec.Scheduling.Queue == queue && j.Status?.Phase == JobPhase.Running)
                .Sum(j => j.Spec.Resources.Gpus));
    }

    private static string MethodName(FineTuneMethod method) => method.ToString().ToLowerInvariant();
}
