using System.Collections.Concurrent;
using FineTune.LocalApiServer;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Selectors;
using FineTune.LocalApiServer.Storage;
using FineTune.LocalApiServer.Workloads;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FineTune.LocalCluster.Runner;

/// <summary>
/// The kubelet of the local cluster mode: runs every new Pod on the <see cref="LocalKubeApiServer"/> as a local
/// process (<see cref="PodLaunchBuilder"/> maps the pod spec) and reports its status through the
/// <see cref="JobDriver"/>'s kubelet steps, so the Job controller logic (retries within backoffLimit, suspend,
/// completion) stays in one place: Pending while a referenced Secret or ConfigMap is missing, Running once started,
/// Succeeded or Failed with the exit code, reason and the end of the log when the process exits. A deleted pod (its
/// Job suspended or deleted) gets SIGTERM, then SIGKILL after its grace period.
/// </summary>
public sealed class LocalKubelet : IAsyncDisposable
{
    private readonly LocalKubeApiServer _server;
    private readonly JobDriver _jobs;
    private readonly LocalKubeletOptions _options;
    private readonly ILogger _logger;
    private readonly PodLaunchBuilder _builder;
    private readonly ConcurrentDictionary<string, PodRun> _runs = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>
    /// Creates a kubelet for <paramref name="server"/>. <paramref name="jobs"/> must not start pods by itself
    /// (<see cref="JobDriverOptions.StartPods"/> off): starting them is this kubelet's part.
    /// </summary>
    public LocalKubelet(LocalKubeApiServer server, JobDriver jobs, LocalKubeletOptions options, ILogger<LocalKubelet>? logger = null)
    {
        _server = server;
        _jobs = jobs;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _builder = new PodLaunchBuilder(server.Objects, options);
    }

    /// <summary>Raised when a pod's process has started (to follow its log, for example).</summary>
    public event Action<PodProcess>? PodStarted;

    /// <summary>The processes running now.</summary>
    public IReadOnlyList<PodProcess> Processes =>
        _runs.Values.Select(r => r.Process).OfType<PodProcess>().Where(p => !p.Exited.IsCompleted).ToList();

    /// <summary>The running process of a pod, or null.</summary>
    public PodProcess? ProcessOf(string ns, string podName) =>
        Processes.FirstOrDefault(p => p.Launch.Namespace == ns && p.Launch.PodName == podName);

    /// <summary>The pod's directory (volumes and <c>&lt;container&gt;.log</c>), whether or not it ran yet.</summary>
    public string PodDirectory(string ns, string podName) => _builder.PodDirectory(ns, podName);

    /// <summary>Starts following pods (those that exist already included).</summary>
    public void Start()
    {
        if (_loop is not null) return;
        Directory.CreateDirectory(_options.PodsDirectory);
        var pods = _server.Store.Watch(BuiltInResources.Pods, null, LabelSelector.Everything, FieldSelector.Everything, null);
        _loop = Task.Run(() => FollowAsync(pods));
    }

    private async Task FollowAsync(WatchSubscription pods)
    {
        using (pods)
        {
            try
            {
                while (await pods.Events.WaitToReadAsync(_stop.Token))
                    while (pods.Events.TryRead(out var change))
                        OnPodChanged(change);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }

    private void OnPodChanged(WatchEvent change)
    {
        var pod = change.Object;
        var deleting = change.Type == "DELETED" || ObjectMetadata.Of(pod.Object)["deletionTimestamp"] is not null;
        if (deleting)
        {
            if (_runs.TryGetValue(pod.Uid, out var gone))
            {
                if (gone.MarkDeleted() is { } process) _ = StopAsync(gone, process);
                if (change.Type == "DELETED") _runs.TryRemove(pod.Uid, out _);
            }
            return;
        }
        var phase = pod.Object["status"]?["phase"]?.GetValue<string>();
        if (phase is "Succeeded" or "Failed" || _runs.ContainsKey(pod.Uid)) return;
        var run = new PodRun(pod.Namespace, pod.Name, pod.Uid);
        if (_runs.TryAdd(pod.Uid, run)) run.Work = Task.Run(() => RunPodAsync(run));
    }

    private async Task StopAsync(PodRun run, PodProcess process)
    {
        _logger.LogInformation("Pod {Namespace}/{Pod} deleted: stopping pid {Pid} (SIGTERM, SIGKILL after {Grace}s)",
            run.Namespace, run.Name, process.Pid, process.Launch.GracePeriod.TotalSeconds);
        var exit = await process.TerminateAsync();
        _logger.LogInformation("Pod {Namespace}/{Pod} stopped with exit code {ExitCode}", run.Namespace, run.Name, exit);
    }

    private async Task RunPodAsync(PodRun run)
    {
        try
        {
            if (await PrepareAsync(run) is not { } launch) return;
            PodProcess process;
            try
            {
                process = PodProcess.Start(launch);
            }
            catch (PodStartException e)
            {
                _logger.LogWarning("Pod {Namespace}/{Pod} could not start: {Message}", run.Namespace, run.Name, e.Message);
                Report(run, () => _jobs.MarkPodFailed(run.Namespace, run.Name, 128, "StartError", e.Message));
                return;
            }
            bool deleted;
            lock (run.Sync)
            {
                run.Process = process;
                deleted = run.Deleted.IsCancellationRequested;
            }
            _logger.LogInformation("Pod {Namespace}/{Pod} started as pid {Pid}: {Command} (log {Log}{Metrics})",
                run.Namespace, run.Name, process.Pid, launch.CommandLine, launch.LogPath,
                launch.MetricsPort is { } port ? $", metrics on 127.0.0.1:{port}" : "");
            if (deleted || !Report(run, () => _jobs.MarkPodRunning(run.Namespace, run.Name)))
            {
                await process.DisposeAsync();
                return;
            }
            PodStarted?.Invoke(process);

            var exitCode = await process.Exited;
            await process.DisposeAsync();
            _logger.LogInformation("Pod {Namespace}/{Pod} exited with code {ExitCode}", run.Namespace, run.Name, exitCode);
            // A pod stopped gracefully (deletionTimestamp set) is still there until this report ends it; one deleted
            // outright is gone already, and the report finds nothing (404) to write.
            Report(run, () =>
            {
                if (exitCode == 0) _jobs.MarkPodSucceeded(run.Namespace, run.Name);
                else _jobs.MarkPodFailed(run.Namespace, run.Name, exitCode, "Error", PodLog.Tail(launch.LogPath));
            });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "Pod {Namespace}/{Pod}: the local kubelet failed", run.Namespace, run.Name);
        }
    }

    /// <summary>Builds the launch, keeping the pod Pending (and retrying) while a referenced object is missing.</summary>
    private async Task<PodLaunch?> PrepareAsync(PodRun run)
    {
        while (!run.Deleted.IsCancellationRequested)
        {
            var pod = _server.Objects.Get<V1Pod>(run.Namespace, run.Name);
            if (pod is null || pod.Metadata.Uid != run.Uid || pod.Status?.Phase is "Succeeded" or "Failed") return null;
            try
            {
                return _builder.Build(pod);
            }
            catch (PodConfigurationException e)
            {
                SetWaiting(pod, e.Reason, e.Message);
            }
            catch (PodSpecNotSupportedException e)
            {
                _logger.LogWarning("Pod {Namespace}/{Pod} cannot run locally: {Message}", run.Namespace, run.Name, e.Message);
                Report(run, () => _jobs.MarkPodFailed(run.Namespace, run.Name, 128, "StartError", e.Message));
                return null;
            }
            try
            {
                await Task.Delay(_options.ConfigRetryInterval, run.Deleted);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        return null;
    }

    private void SetWaiting(V1Pod pod, string reason, string message)
    {
        var container = pod.Spec.Containers.First();
        var current = pod.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting;
        if (current?.Reason == reason && current.Message == message) return;
        _logger.LogWarning("Pod {Namespace}/{Pod} waiting: {Reason}: {Message}", pod.Metadata.NamespaceProperty, pod.Metadata.Name, reason, message);
        Report(null, () => _server.Objects.Update<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name, p =>
        {
            p.Status ??= new V1PodStatus { Phase = "Pending" };
            p.Status.ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = container.Name, Image = container.Image ?? "", ImageID = "", Ready = false, RestartCount = 0,
                    State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } },
                },
            ];
        }));
    }

    /// <summary>Writes a pod status change; false when the pod is gone (deleted meanwhile).</summary>
    private static bool Report(PodRun? run, Action write)
    {
        try
        {
            write();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (LocalApiServer.Errors.ApiException e) when (e.Code == 404)
        {
            run?.MarkDeleted();
            return false;
        }
    }

    /// <summary>Stops following pods and stops every process (SIGTERM, then SIGKILL after the grace period).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        var stopping = _runs.Values.Select(async run =>
        {
            if (run.MarkDeleted() is { } process) await process.TerminateAsync();
            await run.Work;
        });
        await Task.WhenAll(stopping);
        _stop.Dispose();
    }
}
