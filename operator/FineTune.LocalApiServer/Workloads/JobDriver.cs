using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Selectors;
using FineTune.LocalApiServer.Storage;
using k8s.Models;

namespace FineTune.LocalApiServer.Workloads;

/// <summary>
/// Plays the Job controller and the kubelet against a <see cref="LocalKubeApiServer"/>: creates a Pod per Job attempt
/// (owner reference, job-name and controller-uid labels), moves Pods to Running / Succeeded / Failed with exit codes,
/// and keeps Job status as Kubernetes does (active, ready, succeeded and failed counts, startTime, completionTime,
/// conditions Complete / Failed / Suspended / SuccessCriteriaMet / FailureTarget), with backoffLimit,
/// podFailurePolicy (FailJob / Ignore / Count on exit codes and pod conditions), activeDeadlineSeconds (a timer on the
/// driver's clock) and spec.suspend (pods stopped gracefully with <see cref="JobDriverOptions.GracefulTermination"/>;
/// pods stopped for a suspend are not failures). Call <see cref="Start"/> to have it react to every Job and Pod change;
/// the kubelet steps (<see cref="MarkPodRunning"/>, <see cref="MarkPodSucceeded"/>, <see cref="MarkPodFailed"/>)
/// are the test's to call, so a test decides how each attempt ends.
/// </summary>
public sealed class JobDriver : IAsyncDisposable
{
    /// <summary>Label Kubernetes puts on a Job's pods with the Job's name.</summary>
    public const string JobNameLabel = "batch.kubernetes.io/job-name";

    /// <summary>Label Kubernetes puts on a Job's pods with the Job's uid.</summary>
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";

    private readonly LocalKubeApiServer _server;
    private readonly JobDriverOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _sync = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private readonly HashSet<string> _stoppedByController = [];
    private readonly List<ITimer> _timers = [];
    private readonly HashSet<string> _wakeUps = [];

    /// <summary>Creates a driver; it does nothing by itself until <see cref="Start"/>.</summary>
    /// <param name="server">The server whose Jobs and Pods to drive.</param>
    /// <param name="options">What the driver does by itself.</param>
    /// <param name="time">Clock for pod and Job timestamps and deadlines; the server's clock by default.</param>
    public JobDriver(LocalKubeApiServer server, JobDriverOptions? options = null, TimeProvider? time = null)
    {
        _server = server;
        _options = options ?? new JobDriverOptions();
        _time = time ?? server.Time;
    }

    /// <summary>Starts reacting to Job and Pod changes (syncing each affected Job) in the background.</summary>
    public void Start()
    {
        if (_loop is not null) return;
        var jobs = _server.Store.Watch(BuiltInResources.Jobs, null, LabelSelector.Everything, FieldSelector.Everything, null);
        var pods = _server.Store.Watch(BuiltInResources.Pods, null, LabelSelector.Everything, FieldSelector.Everything,
            _server.Store.CurrentRevision.ToString());
        _loop = Task.WhenAll(Follow(jobs, e => (e.Object.Namespace, e.Object.Name)),
            Follow(pods, e => ObjectMetadata.Labels(e.Object.Object).TryGetValue(JobNameLabel, out var job) ? (e.Object.Namespace, job) : null));
    }

    private Task Follow(WatchSubscription subscription, Func<WatchEvent, (string Ns, string Job)?> jobOf) => Task.Run(async () =>
    {
        using (subscription)
        {
            try
            {
                while (await subscription.Events.WaitToReadAsync(_stop.Token))
                    while (subscription.Events.TryRead(out var change))
                        if (jobOf(change) is { } key) SyncJob(key.Ns, key.Job);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }
    });

    /// <summary>The pods of a Job, oldest first.</summary>
    public IReadOnlyList<V1Pod> PodsOf(string ns, string jobName) =>
        _server.Objects.List<V1Pod>(ns, $"{JobNameLabel}={jobName}")
            .OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => long.Parse(p.Metadata.ResourceVersion)).ToList();

    /// <summary>The pod of the Job's current attempt (not finished, not deleting), or null.</summary>
    public V1Pod? ActivePodOf(string ns, string jobName) => PodsOf(ns, jobName).LastOrDefault(IsActive);

    /// <summary>The kubelet starting the pod: phase Running, container running.</summary>
    public V1Pod MarkPodRunning(string ns, string podName) => UpdatePod(ns, podName, pod =>
    {
        pod.Status.Phase = "Running";
        pod.Status.StartTime ??= Now();
        pod.Status.Conditions = [new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = Now() }];
        pod.Status.ContainerStatuses = Containers(pod).Select(c => new V1ContainerStatus
        {
            Name = c, Image = ImageOf(pod, c), ImageID = "", Ready = true, Started = true, RestartCount = 0,
            State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Now() } },
        }).ToList();
    });

    /// <summary>The pod's containers exit 0: phase Succeeded.</summary>
    public V1Pod MarkPodSucceeded(string ns, string podName) => Terminate(ns, podName, 0, "Completed", null);

    /// <summary>The pod's main container exits with <paramref name="exitCode"/>: phase Failed.</summary>
    public V1Pod MarkPodFailed(string ns, string podName, int exitCode, string reason = "Error", string? message = null) =>
        Terminate(ns, podName, exitCode, reason, message);

    /// <summary>Runs the Job's current attempt to success (creating and starting its pod if needed); returns the Job.</summary>
    public V1Job SucceedJob(string ns, string jobName)
    {
        var pod = EnsureRunningPod(ns, jobName);
        MarkPodSucceeded(ns, pod.Metadata.Name);
        return _server.Objects.Get<V1Job>(ns, jobName)!;
    }

    /// <summary>Fails the Job's current attempt with <paramref name="exitCode"/>; the Job retries until backoffLimit.</summary>
    public V1Job FailJobAttempt(string ns, string jobName, int exitCode = 1)
    {
        var pod = EnsureRunningPod(ns, jobName);
        MarkPodFailed(ns, pod.Metadata.Name, exitCode);
        return _server.Objects.Get<V1Job>(ns, jobName)!;
    }

    private V1Pod EnsureRunningPod(string ns, string jobName)
    {
        var pod = ActivePodOf(ns, jobName);
        if (pod is null)
        {
            SyncJob(ns, jobName);
            pod = ActivePodOf(ns, jobName)
                ?? throw new InvalidOperationException($"Job {ns}/{jobName} has no pod to run: it is missing, finished or suspended");
        }
        return pod.Status?.Phase == "Running" ? pod : MarkPodRunning(ns, pod.Metadata.Name);
    }

    /// <summary>
    /// One pass of the Job controller over a Job: counts its pods, applies suspend, completion, backoffLimit and
    /// activeDeadlineSeconds, creates the pods it still needs, and writes status when it changed. Returns the Job, or
    /// null when it no longer exists.
    /// </summary>
    public V1Job? SyncJob(string ns, string jobName)
    {
        lock (_sync)
        {
            var job = _server.Objects.Get<V1Job>(ns, jobName);
            if (job is null || job.Metadata.DeletionTimestamp is not null || IsFinished(job)) return job;
            var spec = job.Spec;
            var pods = PodsOf(ns, jobName).Where(p => p.Metadata.OwnerReferences?.Any(r => r.Uid == job.Metadata.Uid) == true).ToList();
            var succeeded = pods.Count(p => p.Status?.Phase == "Succeeded");
            // Pods the controller itself stopped (suspend) are not failures; the rest go through podFailurePolicy.
            var verdicts = pods.Where(p => p.Status?.Phase == "Failed" && !StoppedByController(p))
                .Select(p => PodFailurePolicyMatcher.Match(spec.PodFailurePolicy, p)).ToList();
            var failed = verdicts.Count(v => v.Action != "Ignore");
            var failJob = verdicts.FirstOrDefault(v => v.Action == "FailJob");
            var active = pods.Where(IsActive).ToList();
            var terminating = pods.Count(p => p.Metadata.DeletionTimestamp is not null && p.Status?.Phase is not ("Succeeded" or "Failed"));
            var completions = spec.Completions ?? 1;
            var parallelism = spec.Parallelism ?? 1;
            var backoffLimit = spec.BackoffLimit ?? 6;
            var suspended = spec.Suspend == true;
            var now = Now();

            string? finish = null, finishReason = null, finishMessage = null;
            var startTime = job.Status?.StartTime;
            if (succeeded >= completions)
                (finish, finishReason, finishMessage) = ("Complete", "CompletionsReached", "Reached expected number of succeeded pods");
            else if (failJob is not null)
                (finish, finishReason, finishMessage) = ("Failed", "PodFailurePolicy", failJob.Message);
            else if (failed > backoffLimit)
                (finish, finishReason, finishMessage) = ("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
            else if (!suspended && spec.ActiveDeadlineSeconds is { } deadline && startTime is { } started && now - started >= TimeSpan.FromSeconds(deadline))
                (finish, finishReason, finishMessage) = ("Failed", "DeadlineExceeded", "Job was active longer than specified deadline");

            if (finish is not null || suspended)
            {
                foreach (var pod in active) StopPod(pod, countAsFailure: finish is not null);
                terminating += _options.GracefulTermination ? active.Count : 0;
                active.Clear();
            }
            else if (_options.CreatePods)
            {
                // With a podFailurePolicy (or podReplacementPolicy Failed) a replacement waits until the old pod is gone.
                var waitForTerminating = (spec.PodFailurePolicy is not null || spec.PodReplacementPolicy == "Failed") && terminating > 0;
                var wanted = waitForTerminating ? 0 : Math.Min(parallelism, completions - succeeded);
                for (var i = active.Count; i < wanted; i++) active.Add(CreatePod(job));
            }

            if (!suspended && finish is null && spec.ActiveDeadlineSeconds is { } limit)
                WakeAt(ns, jobName, (startTime ?? now) + TimeSpan.FromSeconds(limit) - now);

            return _server.Objects.Update<V1Job>(ns, jobName, j =>
            {
                var status = j.Status ??= new V1JobStatus();
                status.Active = active.Count == 0 ? null : active.Count;
                status.Ready = active.Count(p => p.Status?.Phase == "Running") is var ready and > 0 ? ready : null;
                status.Succeeded = succeeded == 0 ? null : succeeded;
                status.Failed = failed == 0 ? null : failed;
                status.Terminating = _options.GracefulTermination ? terminating : null;
                status.Conditions ??= [];
                if (suspended)
                {
                    // Kubernetes resets startTime when a suspended Job resumes.
                    status.StartTime = null;
                    SetCondition(status, "Suspended", "True", "JobSuspended", "Job suspended", now);
                }
                else
                {
                    if (status.Conditions.Any(c => c.Type == "Suspended" && c.Status == "True"))
                        SetCondition(status, "Suspended", "False", "JobResumed", "Job resumed", now);
                    status.StartTime ??= now;
                }
                if (finish is not null)
                {
                    SetCondition(status, finish == "Complete" ? "SuccessCriteriaMet" : "FailureTarget", "True", finishReason!, finishMessage!, now);
                    SetCondition(status, finish, "True", finishReason!, finishMessage!, now);
                    if (finish == "Complete") status.CompletionTime = now;
                }
                if (status.Conditions.Count == 0) status.Conditions = null;
            });
        }
    }

    /// <summary>
    /// The Job controller deleting an active pod. With <see cref="JobDriverOptions.GracefulTermination"/> the pod is
    /// marked terminating (deletionTimestamp, the pod's terminationGracePeriodSeconds, default 30) and stays until the
    /// kubelet steps end it (its process got SIGTERM: <see cref="MarkPodFailed"/> / <see cref="MarkPodSucceeded"/>), or
    /// the grace period runs out and it is killed (exit code 137); otherwise it goes at once.
    /// </summary>
    private void StopPod(V1Pod pod, bool countAsFailure)
    {
        var (ns, name) = (pod.Metadata.NamespaceProperty, pod.Metadata.Name);
        if (!countAsFailure) _stoppedByController.Add(pod.Metadata.Uid);
        var grace = pod.Spec?.TerminationGracePeriodSeconds ?? 30;
        if (!_options.GracefulTermination || grace <= 0)
        {
            _server.Objects.Delete<V1Pod>(ns, name);
            return;
        }

        _server.Store.MarkTerminating(BuiltInResources.Pods, ns, name, grace);
        var uid = pod.Metadata.Uid;
        Schedule(TimeSpan.FromSeconds(grace), () =>
        {
            var current = _server.Objects.Get<V1Pod>(ns, name);
            if (current?.Metadata.Uid == uid && current.Status?.Phase is not ("Succeeded" or "Failed"))
                Terminate(ns, name, 137, "Error", "killed after the termination grace period");
        });
    }

    private bool StoppedByController(V1Pod pod) => _stoppedByController.Contains(pod.Metadata.Uid);

    /// <summary>Syncs the Job again after <paramref name="delay"/> (activeDeadlineSeconds), when the driver is started.</summary>
    private void WakeAt(string ns, string jobName, TimeSpan delay)
    {
        // One wake-up per Job and due time, however often the Job is synced before it.
        if (_loop is null || !_wakeUps.Add($"{ns}/{jobName}@{(Now() + delay).Ticks}")) return;
        Schedule(delay, () => SyncJob(ns, jobName));
    }

    private void Schedule(TimeSpan delay, Action action)
    {
        if (_stop.IsCancellationRequested) return;
        var timer = _time.CreateTimer(_ =>
        {
            if (_stop.IsCancellationRequested) return;
            try
            {
                action();
            }
            catch (InvalidOperationException)
            {
                // The pod or Job went away meanwhile.
            }
        }, null, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
        lock (_timers) _timers.Add(timer);
    }

    private V1Pod CreatePod(V1Job job)
    {
        var template = job.Spec.Template;
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            [JobNameLabel] = job.Metadata.Name,
            ["job-name"] = job.Metadata.Name,
            [ControllerUidLabel] = job.Metadata.Uid,
            ["controller-uid"] = job.Metadata.Uid,
        };
        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = job.Metadata.Name + "-",
                NamespaceProperty = job.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = template.Metadata?.Annotations,
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "batch/v1", Kind = "Job", Name = job.Metadata.Name, Uid = job.Metadata.Uid,
                        Controller = true, BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = template.Spec,
            Status = new V1PodStatus { Phase = "Pending" },
        };
        var created = _server.Objects.Create(pod);
        return _options.StartPods ? MarkPodRunning(created.Metadata.NamespaceProperty, created.Metadata.Name) : created;
    }

    /// <summary>
    /// A disruption (preemption, eviction, node drain): the pod gets the DisruptionTarget condition and its main
    /// container is stopped with SIGTERM (exit code 143), so a podFailurePolicy rule on DisruptionTarget applies.
    /// </summary>
    public V1Pod DisruptPod(string ns, string podName, string reason = "PreemptionByScheduler") =>
        Terminate(ns, podName, 143, "Error", $"{reason}: the pod was disrupted", pod => pod.Status.Conditions =
        [
            .. pod.Status.Conditions ?? [],
            new V1PodCondition { Type = "DisruptionTarget", Status = "True", Reason = reason, LastTransitionTime = Now() },
        ]);

    private V1Pod Terminate(string ns, string podName, int exitCode, string reason, string? message, Action<V1Pod>? also = null)
    {
        var ended = UpdatePod(ns, podName, pod => EndContainers(pod, exitCode, reason, message, also));
        // The kubelet's final delete of a pod that was terminating: it is gone once its containers stopped.
        if (ended.Metadata.DeletionTimestamp is not null) _server.Objects.Delete<V1Pod>(ns, podName);
        return ended;
    }

    private void EndContainers(V1Pod pod, int exitCode, string reason, string? message, Action<V1Pod>? also)
    {
        pod.Status.Phase = exitCode == 0 ? "Succeeded" : "Failed";
        pod.Status.StartTime ??= Now();
        pod.Status.Conditions =
        [
            .. (pod.Status.Conditions ?? []).Where(c => c.Type == "DisruptionTarget"),
            new V1PodCondition { Type = "Ready", Status = "False", Reason = "PodCompleted", LastTransitionTime = Now() },
        ];
        var containers = Containers(pod);
        pod.Status.ContainerStatuses = containers.Select((c, i) => new V1ContainerStatus
        {
            Name = c, Image = ImageOf(pod, c), ImageID = "", Ready = false, Started = false, RestartCount = 0,
            State = new V1ContainerState
            {
                Terminated = new V1ContainerStateTerminated
                {
                    ExitCode = i == 0 ? exitCode : 0, Reason = i == 0 ? reason : "Completed", Message = i == 0 ? message : null,
                    StartedAt = pod.Status.StartTime, FinishedAt = Now(),
                },
            },
        }).ToList();
        also?.Invoke(pod);
    }

    private V1Pod UpdatePod(string ns, string podName, Action<V1Pod> change)
    {
        V1Pod updated;
        try
        {
            updated = _server.Objects.Update<V1Pod>(ns, podName, pod =>
            {
                pod.Status ??= new V1PodStatus();
                change(pod);
            });
        }
        catch (ApiException e) when (e.Code == 404)
        {
            throw new InvalidOperationException($"pod {ns}/{podName} does not exist", e);
        }
        if (updated.Metadata.Labels?.TryGetValue(JobNameLabel, out var job) == true) SyncJob(ns, job);
        return _server.Objects.Get<V1Pod>(ns, podName) ?? updated;
    }

    private static void SetCondition(V1JobStatus status, string type, string value, string reason, string message, DateTime now)
    {
        var existing = status.Conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            status.Conditions.Add(new V1JobCondition { Type = type, Status = value, Reason = reason, Message = message, LastProbeTime = now, LastTransitionTime = now });
            return;
        }
        // Touch the condition only when it changes, so a sync with nothing new writes nothing.
        if (existing.Status == value && existing.Reason == reason) return;
        if (existing.Status != value) existing.LastTransitionTime = now;
        (existing.Status, existing.Reason, existing.Message, existing.LastProbeTime) = (value, reason, message, now);
    }

    private static bool IsFinished(V1Job job) =>
        job.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true;

    private static bool IsActive(V1Pod pod) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed") && pod.Metadata.DeletionTimestamp is null;

    private static IReadOnlyList<string> Containers(V1Pod pod) =>
        pod.Spec?.Containers?.Select(c => c.Name).ToList() is { Count: > 0 } names ? names : ["main"];

    private static string ImageOf(V1Pod pod, string container) =>
        pod.Spec?.Containers?.FirstOrDefault(c => c.Name == container)?.Image ?? "";

    private DateTime Now()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        // Kubernetes timestamps have whole seconds.
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }

    /// <summary>Stops reacting to changes.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        lock (_timers)
        {
            foreach (var timer in _timers) timer.Dispose();
        }
        _stop.Dispose();
    }
}
