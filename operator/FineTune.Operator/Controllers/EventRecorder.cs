using FineTune.Api.V1Alpha1;
using FineTune.Operator.Reconciliation;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace FineTune.Operator.Controllers;

/// <summary>Records Kubernetes Events (core/v1) on FineTuneJobs. A failure to record is logged, never fatal.</summary>
public sealed class EventRecorder(IKubernetes client, TimeProvider time, ILogger<EventRecorder> logger)
{
    /// <summary>Component named as the source of the events.</summary>
    public const string Component = "finetune-operator";

    private readonly string instance = Environment.MachineName;

    /// <summary>Records <paramref name="jobEvent"/> on <paramref name="job"/>.</summary>
    public async Task RecordAsync(FineTuneJob job, JobEvent jobEvent, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ns = job.Metadata.NamespaceProperty;
        var body = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{job.Metadata.Name}.{Guid.NewGuid():N}"[..Math.Min(253, job.Metadata.Name.Length + 17)],
                NamespaceProperty = ns,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = FineTuneJobApi.ApiVersion,
                Kind = FineTuneJobApi.Kind,
                Name = job.Metadata.Name,
                NamespaceProperty = ns,
                Uid = job.Metadata.Uid,
                ResourceVersion = job.Metadata.ResourceVersion,
            },
            Type = jobEvent.Type,
            Reason = jobEvent.Reason,
            Message = jobEvent.Message.Length > 1024 ? jobEvent.Message[..1021] + "..." : jobEvent.Message,
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            ReportingInstance = instance,
            FirstTimestamp = now,
            LastTimestamp = now,
            EventTime = now,
            Action = jobEvent.Reason,
            Count = 1,
        };
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(body, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not record event {Reason} on {Namespace}/{Name}: {Error}", jobEvent.Reason, ns, job.Metadata.Name, ex.Message);
        }
    }
}
