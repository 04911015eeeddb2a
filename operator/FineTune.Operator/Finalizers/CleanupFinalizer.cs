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
/// retention policy is applied, and the finalizer is removed. Every step is idempotent. When the outputs cannot be
/// deleted, the failure becomes the OutputsDeleted condition and a Warning event, the finalizer stays, and the work
/// queue retries with backoff until it works or the user sets output.retainOnDelete to true.
/// </summary>
public sealed class CleanupFinalizer(IKubernetes client, IOutputCleaner outputs, EventRecorder events, TimeProvider time,
    ILogger<CleanupFinalizer> logger)
{
    /// <summary>The finalizer's name on FineTuneJobs.</summary>
    public const string Name = "finetune.dev/cleanup";

    /// <summary>Adds the finalizer when missing; returns the job as stored afterwards.</summary>
    public async Task<FineTuneJob> EnsureAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        if (job.Metadata.Finalizers?.Contains(Name) == true)
            return job;
        var finalizers = (job.Metadata.Finalizers ?? []).Append(Name).ToList();
        return await PatchFinalizersAsync(job, finalizers, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cleans up after <paramref name="job"/> (being deleted) and removes the finalizer.</summary>
    public async Task FinalizeAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        if (job.Metadata.Finalizers?.Contains(Name) != true)
            return;
        var ns = job.Metadata.NamespaceProperty;
        var children = await client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: Labels.SelectorFor(job.Metadata.Name),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var child in children.Items)
            await DeleteJobAsync(client, ns, child.Metadata.Name, cancellationToken).ConfigureAwait(false);

        if (job.Spec.Output.RetainOnDelete)
            await events.RecordAsync(job, JobEvent.Normal("OutputsRetained",
                $"outputs under {job.Spec.Output.Uri} stay (output.retainOnDelete)"), cancellationToken).ConfigureAwait(false);
        else
            await DeleteOutputsAsync(job, cancellationToken).ConfigureAwait(false);

        var finalizers = job.Metadata.Finalizers.Where(f => f != Name).ToList();
        try
        {
            await PatchFinalizersAsync(job, finalizers, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
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
            await WriteConditionAsync(job, message, cancellationToken).ConfigureAwait(false);
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

    private async Task WriteConditionAsync(FineTuneJob job, string message, CancellationToken cancellationToken)
    {
        var conditions = (job.Status?.Conditions ?? []).ToList();
        Conditions.Set(conditions, ConditionTypes.OutputsDeleted, ConditionStatus.False, ConditionReasons.OutputDeletionFailed, message,
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
