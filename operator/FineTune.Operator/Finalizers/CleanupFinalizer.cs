using System.Net;
using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Builders;
using FineTune.Operator.Controllers;
using FineTune.Operator.Reconciliation;
using FineTune.Operator.Status;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace FineTune.Operator.Finalizers;

/// <summary>
/// The finalizer of FineTuneJobs: before the object goes, its Jobs are deleted with their pods (owner references
/// would remove them too, but only after the object is gone, and without stopping the trainers first), the output
/// retention policy is applied, and the finalizer is removed. Every step is idempotent and level-based: each pass
/// reads what exists and does the next step.
/// <para>
/// Outputs are deleted only once no pod of the job is left that may still write: a trainer that got its SIGTERM uses
/// its termination grace period to finish a step and upload a checkpoint, and deleting the prefix before that upload
/// would leave files behind. While such pods exist the pass records a Normal event and the condition OutputsDeleted
/// (reason <see cref="WaitingForTrainerPods"/>) and asks to be run again after <see cref="PodStopRecheck"/>; a pod
/// change wakes it sooner. With output.retainOnDelete nothing is deleted, so nothing waits.
/// </para>
/// <para>
/// When the outputs cannot be deleted, the failure becomes the OutputsDeleted condition and a Warning event, the
/// finalizer stays, and the work queue retries with backoff until it works or the user sets output.retainOnDelete to
/// true. The storage Secret is read only when the deletion is attempted, never while waiting for pods.
/// </para>
/// </summary>
public sealed class CleanupFinalizer(IKubernetes client, IOutputCleaner outputs, EventRecorder events, TimeProvider time,
    ILogger<CleanupFinalizer> logger)
{
    /// <summary>The finalizer's name on FineTuneJobs.</summary>
    public const string Name = "finetune.dev/cleanup";

    /// <summary>Reason of the waiting event and of the OutputsDeleted condition while trainer pods stop.</summary>
    public const string WaitingForTrainerPods = "WaitingForTrainerPods";

    /// <summary>
    /// How soon a deletion that waits for trainer pods looks again by itself. Pod events requeue the job at once;
    /// this only bounds the wait should one be missed, at one Job and one pod LIST per interval.
    /// </summary>
    public static readonly TimeSpan PodStopRecheck = TimeSpan.FromSeconds(5);

    /// <summary>Adds the finalizer when missing; returns the job as stored afterwards.</summary>
    public async Task<FineTuneJob> EnsureAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        if (job.Metadata.Finalizers?.Contains(Name) == true)
            return job;
        var finalizers = (job.Metadata.Finalizers ?? []).Append(Name).ToList();
        return await PatchFinalizersAsync(job, finalizers, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One cleanup pass over <paramref name="job"/> (being deleted). Returns null when the cleanup is done and the
    /// finalizer removed, or the delay after which to run the pass again while trainer pods are still stopping.
    /// </summary>
    public async Task<TimeSpan?> FinalizeAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        if (job.Metadata.Finalizers?.Contains(Name) != true)
            return null;
        // The informer's copy may not show this finalizer's own last writes (the waiting condition, the finalizer's
        // removal): a pass works from the stored object, so it neither repeats an event nor redoes finished work.
        if (await ReadAsync(job, cancellationToken).ConfigureAwait(false) is not { } stored || stored.Metadata.Finalizers?.Contains(Name) != true)
            return null;
        job = stored;
        await DeleteTrainingJobsAsync(job, cancellationToken).ConfigureAwait(false);

        if (job.Spec.Output.RetainOnDelete)
        {
            await events.RecordAsync(job, JobEvent.Normal("OutputsRetained",
                $"outputs under {job.Spec.Output.Uri} stay (output.retainOnDelete)"), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var live = await LivePodsAsync(job, cancellationToken).ConfigureAwait(false);
            if (live.Count > 0)
            {
                await ReportWaitingAsync(job, live, cancellationToken).ConfigureAwait(false);
                return PodStopRecheck;
            }
            await DeleteOutputsAsync(job, cancellationToken).ConfigureAwait(false);
        }

        await RemoveFinalizerAsync(job, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Deletes a Job and its pods (in the background, or first with "Foreground"); a Job already gone is fine.</summary>
    public static async Task DeleteJobAsync(IKubernetes client, string ns, string name, CancellationToken cancellationToken,
        string propagationPolicy = "Background")
    {
        try
        {
            await client.BatchV1.DeleteNamespacedJobAsync(name, ns, propagationPolicy: propagationPolicy,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Deletes the Jobs of <paramref name="job"/> that are not being deleted yet, in the background: the Job goes at
    /// once and the garbage collector stops its pods gracefully. What the output deletion waits for is those pods (a
    /// Job kept by Foreground deletion would say no more than they do, and nothing can start new pods for a Job that is
    /// gone).
    /// </summary>
    private async Task DeleteTrainingJobsAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        var ns = job.Metadata.NamespaceProperty;
        var children = await client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: Labels.SelectorFor(job.Metadata.Name),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var child in children.Items.Where(j => j.Metadata.DeletionTimestamp is null))
            await DeleteJobAsync(client, ns, child.Metadata.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The job's pods that may still write, read from the API server (a cache that lags would let the outputs go
    /// while a trainer still uploads). Pods carry the FineTuneJob's label from their Job's template, so this also
    /// finds pods of Jobs that are already gone.
    /// </summary>
    private async Task<IReadOnlyList<V1Pod>> LivePodsAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        var pods = await client.CoreV1.ListNamespacedPodAsync(job.Metadata.NamespaceProperty, labelSelector: Labels.SelectorFor(job.Metadata.Name),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return LiveTrainerPods.Among(pods.Items);
    }

    /// <summary>Records the wait as the OutputsDeleted condition and a Normal event, once per change of what is waited for.</summary>
    private async Task ReportWaitingAsync(FineTuneJob job, IReadOnlyList<V1Pod> live, CancellationToken cancellationToken)
    {
        var message = LiveTrainerPods.WaitingMessage(live);
        var stored = Conditions.Find(job.Status?.Conditions, ConditionTypes.OutputsDeleted);
        if (stored?.Reason == WaitingForTrainerPods && stored.Message == message)
            return;
        logger.LogInformation("Deletion of {Namespace}/{Name}: {Message}", job.Metadata.NamespaceProperty, job.Metadata.Name, message);
        await WriteConditionAsync(job, WaitingForTrainerPods, message, cancellationToken).ConfigureAwait(false);
        await events.RecordAsync(job, JobEvent.Normal(WaitingForTrainerPods, message), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The FineTuneJob as stored now, or null when it is gone.</summary>
    private async Task<FineTuneJob?> ReadAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CustomObjects.GetNamespacedCustomObjectAsync<FineTuneJob>(FineTuneJobApi.Group, FineTuneJobApi.Version,
                job.Metadata.NamespaceProperty, FineTuneJobApi.Plural, job.Metadata.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task DeleteOutputsAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        OutputCleanupResult result;
        try
        {
            result = await outputs.DeleteOutputsAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (OutputCleanupException ex)
        {
            var message = $"{ex.Message}; the FineTuneJob stays until the outputs are deleted or spec.output.retainOnDelete is set to true";
            var previous = Conditions.Find(job.Status?.Conditions, ConditionTypes.OutputsDeleted);
            await WriteConditionAsync(job, ConditionReasons.OutputDeletionFailed, message, cancellationToken).ConfigureAwait(false);
            if (previous?.Message != message)
                await events.RecordAsync(job, JobEvent.Warning(ConditionReasons.OutputDeletionFailed, message), cancellationToken).ConfigureAwait(false);
            throw new ReconcileRetryException(message, "storage");
        }
        if (result.Deleted.Count > 0)
            await events.RecordAsync(job, JobEvent.Normal("OutputsDeleted",
                $"deleted {result.ObjectCount} object(s) under {string.Join(", ", result.Deleted)} (output.retainOnDelete is false)"), cancellationToken).ConfigureAwait(false);
        if (result.Unreachable.Count > 0)
        {
            var message = $"{string.Join(", ", result.Unreachable)} not reachable from the operator; delete it by hand if it exists";
            logger.LogWarning("Outputs of {Namespace}/{Name} not deleted: {Message}", job.Metadata.NamespaceProperty, job.Metadata.Name, message);
            await events.RecordAsync(job, JobEvent.Warning("OutputsNotDeleted", message), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sets OutputsDeleted=False with <paramref name="reason"/>: the outputs are not deleted yet, and why.</summary>
    private async Task WriteConditionAsync(FineTuneJob job, string reason, string message, CancellationToken cancellationToken)
    {
        var conditions = (job.Status?.Conditions ?? []).ToList();
        Conditions.Set(conditions, ConditionTypes.OutputsDeleted, ConditionStatus.False, reason, message,
            job.Metadata.Generation, time.GetUtcNow().UtcDateTime);
        var patch = new JsonObject { ["status"] = new JsonObject { ["conditions"] = JsonNode.Parse(KubernetesJson.Serialize(conditions)) } };
        try
        {
            await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
                FineTuneJobApi.Group, FineTuneJobApi.Version, job.Metadata.NamespaceProperty, FineTuneJobApi.Plural, job.Metadata.Name,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Gone in between.
        }
    }

    /// <summary>
    /// Removes the finalizer. A trainer still patching its progress, or this pass's own condition write, may have
    /// changed the object since it was read: a conflict re-reads it and tries again on its current resourceVersion.
    /// </summary>
    private async Task RemoveFinalizerAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PatchFinalizersAsync(job, job.Metadata.Finalizers.Where(f => f != Name).ToList(), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return; // Already gone.
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict && attempt < attempts)
            {
                if (await ReadAsync(job, cancellationToken).ConfigureAwait(false) is not { } stored || stored.Metadata.Finalizers?.Contains(Name) != true)
                    return;
                job = stored;
            }
        }
    }

    private async Task<FineTuneJob> PatchFinalizersAsync(FineTuneJob job, List<string> finalizers, CancellationToken cancellationToken)
    {
        // resourceVersion makes the patch conditional: a concurrent change of the list answers 409 and is retried.
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()),
                ["resourceVersion"] = job.Metadata.ResourceVersion,
            },
        };
        return await client.CustomObjects.PatchNamespacedCustomObjectAsync<FineTuneJob>(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), FineTuneJobApi.Group, FineTuneJobApi.Version,
            job.Metadata.NamespaceProperty, FineTuneJobApi.Plural, job.Metadata.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
