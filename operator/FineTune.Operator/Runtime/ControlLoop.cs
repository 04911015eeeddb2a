using System.Net;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Builders;
using FineTune.Operator.Configuration;
using FineTune.Operator.Controllers;
using FineTune.Operator.Metrics;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace FineTune.Operator.Runtime;

/// <summary>
/// One leadership term of the operator: informers on FineTuneJobs, the Jobs it created and their pods, a work queue keyed by
/// namespace/name fed by their events (FineTuneJob updates only when metadata.generation, the deletion timestamp or
/// the finalizers change; Job and pod events map to the owning FineTuneJob by label), a periodic resync, and
/// <see cref="OperatorOptions.MaxConcurrentReconciles"/> workers with per-key exponential retry. Reconciles read the
/// FineTuneJob, its Jobs and its pods from the informer caches; writes go to the API server.
/// </summary>
public sealed class ControlLoop(
    IKubernetes client,
    OperatorOptions options,
    FineTuneJobController controller,
    OperatorMetrics metrics,
    OperatorState state,
    TimeProvider time,
    ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger<ControlLoop>();

    /// <summary>Runs until <paramref name="cancellationToken"/> fires, then stops taking work and waits for the workers.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var idle = TimeSpan.FromSeconds(options.WatchTimeoutSeconds + 60);
        var fineTuneJobs = new ResourceInformer<FineTuneJob>(
            KubernetesSources.FineTuneJobs(client, options.WatchNamespace, options.WatchTimeoutSeconds), time,
            loggers.CreateLogger("FineTune.Operator.Informer.FineTuneJob"), idle);
        var trainingJobs = new ResourceInformer<V1Job>(
            KubernetesSources.TrainingJobs(client, options.WatchNamespace, options.WatchTimeoutSeconds), time,
            loggers.CreateLogger("FineTune.Operator.Informer.Job"), idle);
        var trainingPods = new ResourceInformer<V1Pod>(
            KubernetesSources.TrainingPods(client, options.WatchNamespace, options.WatchTimeoutSeconds), time,
            loggers.CreateLogger("FineTune.Operator.Informer.Pod"), idle);
        var pods = new OwnerIndex<V1Pod>();
        var ownedJobs = new OwnerIndex<V1Job>();
        using var queue = new WorkQueue<string>(time);
        var backoff = new RetryBackoff<string>(options.RetryBaseDelay, options.RetryMaxDelay);

        queue.Dequeued += metrics.Dequeued;
        metrics.Observe(() => fineTuneJobs.Items, () => queue.Depth);
        controller.UseJobIndex(() => fineTuneJobs.Items);
        controller.UsePodIndex(pods.Of);
        controller.UseTrainingJobIndex(ownedJobs.Of);

        fineTuneJobs.Added += job => queue.Add(ResourceInformer<FineTuneJob>.KeyOf(job));
        fineTuneJobs.Updated += (old, job) =>
        {
            if (NeedsReconcile(old, job))
                queue.Add(ResourceInformer<FineTuneJob>.KeyOf(job));
        };
        fineTuneJobs.Deleted += job => queue.Add(ResourceInformer<FineTuneJob>.KeyOf(job));
        void OwnerChanged(V1Job job)
        {
            if (job.Metadata.Labels?.TryGetValue(Labels.JobName, out var owner) == true)
                queue.Add($"{job.Metadata.NamespaceProperty}/{owner}");
        }
        trainingJobs.Added += job =>
        {
            ownedJobs.Upsert(job);
            OwnerChanged(job);
        };
        trainingJobs.Updated += (_, job) =>
        {
            ownedJobs.Upsert(job);
            OwnerChanged(job);
        };
        trainingJobs.Deleted += job =>
        {
            ownedJobs.Remove(job);
            OwnerChanged(job);
        };
        // Pod facts the Job does not carry (unschedulable, image pull errors, exit codes) reach status through these.
        trainingPods.Added += pod => PodChanged(pod, removed: false);
        trainingPods.Updated += (old, pod) =>
        {
            if (PodFactsChanged(old, pod))
                PodChanged(pod, removed: false);
            else
                pods.Upsert(pod);
        };
        trainingPods.Deleted += pod => PodChanged(pod, removed: true);
        void PodChanged(V1Pod pod, bool removed)
        {
            if (removed)
                pods.Remove(pod);
            else
                pods.Upsert(pod);
            if (OwnerIndex<V1Pod>.OwnerKeyOf(pod) is { } owner)
                queue.Add(owner);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var informers = new[] { fineTuneJobs.RunAsync(stop.Token), trainingJobs.RunAsync(stop.Token), trainingPods.RunAsync(stop.Token) };
        try
        {
            await Task.WhenAll(fineTuneJobs.Synced, trainingJobs.Synced, trainingPods.Synced).WaitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await Task.WhenAll(informers).ConfigureAwait(false);
            return;
        }
        state.CachesSynced = true;
        logger.LogInformation("Caches synced: {Count} FineTuneJob(s); starting {Workers} worker(s)", fineTuneJobs.Items.Count, options.MaxConcurrentReconciles);

        var workers = Enumerable.Range(0, Math.Max(1, options.MaxConcurrentReconciles))
            .Select(_ => Task.Run(() => WorkAsync(fineTuneJobs, queue, backoff, stop.Token), CancellationToken.None)).ToList();
        var resync = ResyncAsync(fineTuneJobs, queue, stop.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down or leadership lost.
        }
        finally
        {
            state.CachesSynced = false;
            queue.ShutDown();
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(workers.Append(resync).Concat(informers)).ConfigureAwait(false);
            logger.LogInformation("Control loop stopped");
        }
    }

    /// <summary>
    /// Status-only updates (the operator's own status writes, the trainer's progress) do not bump metadata.generation
    /// and are skipped; a deletion timestamp or a finalizer change must still be seen.
    /// </summary>
    public static bool NeedsReconcile(FineTuneJob old, FineTuneJob updated)
        => old.Metadata.Generation != updated.Metadata.Generation
           || old.Metadata.DeletionTimestamp != updated.Metadata.DeletionTimestamp
           || !(old.Metadata.Finalizers ?? []).SequenceEqual(updated.Metadata.Finalizers ?? []);

    /// <summary>
    /// A pod update matters when its phase, scheduling or container states change; kubelet heartbeats of conditions
    /// such as Ready's probe times do not.
    /// </summary>
    public static bool PodFactsChanged(V1Pod old, V1Pod updated)
    {
        static string Facts(V1Pod pod) => KubernetesJson.Serialize(new object?[]
        {
            pod.Status?.Phase,
            pod.Metadata.DeletionTimestamp,
            pod.Status?.Conditions?.Where(c => c.Type == "PodScheduled").Select(c => new[] { c.Status, c.Reason, c.Message }),
            pod.Status?.ContainerStatuses?.Select(c => new object?[]
            {
                c.Name, c.State?.Waiting?.Reason, c.State?.Waiting?.Message, c.State?.Terminated?.ExitCode,
                c.State?.Terminated?.Reason, c.LastState?.Terminated?.ExitCode, c.RestartCount,
            }),
        });
        return Facts(old) != Facts(updated);
    }

    private async Task ResyncAsync(ResourceInformer<FineTuneJob> informer, WorkQueue<string> queue, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.ResyncPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                foreach (var job in informer.Items)
                    queue.Add(ResourceInformer<FineTuneJob>.KeyOf(job));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task WorkAsync(ResourceInformer<FineTuneJob> fineTuneJobs, WorkQueue<string> queue, RetryBackoff<string> backoff, CancellationToken cancellationToken)
    {
        while (await queue.GetAsync(cancellationToken).ConfigureAwait(false) is { } key)
        {
            var started = time.GetTimestamp();
            var result = "success";
            try
            {
                var outcome = await ProcessAsync(key, fineTuneJobs, cancellationToken).ConfigureAwait(false);
                backoff.Forget(key);
                if (outcome.RequeueAfter is { } after)
                {
                    result = "requeue";
                    queue.AddAfter(key, after);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result = "cancelled";
            }
            catch (Exception ex)
            {
                result = "error";
                var delay = backoff.NextDelay(key);
                queue.AddAfter(key, delay);
                var kind = Kind(ex);
                metrics.ReconcileFailed(kind);
                if (ex is ReconcileRetryException or HttpOperationException or HttpRequestException)
                    logger.LogWarning("Reconcile of {Key} failed ({Kind}): {Error}; retry in {Delay}", key, kind, ex.Message, delay);
                else
                    logger.LogError(ex, "Reconcile of {Key} failed; retry in {Delay}", key, delay);
            }
            finally
            {
                queue.Done(key);
                metrics.Reconciled(result, time.GetElapsedTime(started));
            }
        }
    }

    /// <summary>
    /// Reconciles <paramref name="key"/> from the informer's copy, as controller-runtime does: a key the cache does not
    /// hold is gone; a copy older than the operator's own last write of it is replaced by a GET.
    /// </summary>
    private async Task<ReconcileResult> ProcessAsync(string key, ResourceInformer<FineTuneJob> cache, CancellationToken cancellationToken)
    {
        if (cache.Get(key) is not { } job)
        {
            await controller.DeletedAsync(key).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (controller.IsCurrent(key, job))
            return await controller.ReconcileAsync(job, cancellationToken).ConfigureAwait(false);

        var slash = key.IndexOf('/');
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        try
        {
            job = await client.CustomObjects.GetNamespacedCustomObjectAsync<FineTuneJob>(FineTuneJobApi.Group, FineTuneJobApi.Version,
                ns, FineTuneJobApi.Plural, name, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await controller.DeletedAsync(key).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        return await controller.ReconcileAsync(job, cancellationToken).ConfigureAwait(false);
    }

    private static string Kind(Exception ex) => ex switch
    {
        ReconcileRetryException retry => retry.Kind,
        HttpOperationException { Response.StatusCode: HttpStatusCode.Conflict } => "conflict",
        HttpOperationException { Response.StatusCode: HttpStatusCode.Forbidden } => "forbidden",
        HttpOperationException { Response.StatusCode: HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest } => "invalid",
        HttpOperationException { Response.StatusCode: >= HttpStatusCode.InternalServerError } => "unavailable",
        HttpRequestException or IOException or TimeoutException => "unavailable",
        _ => "other",
    };
}
