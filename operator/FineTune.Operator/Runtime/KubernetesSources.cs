using FineTune.Api.V1Alpha1;
using FineTune.Operator.Builders;
using k8s;
using k8s.Models;

namespace FineTune.Operator.Runtime;

/// <summary>List/watch sources over the Kubernetes API for the kinds the operator watches.</summary>
public static class KubernetesSources
{
    /// <summary>FineTuneJobs in <paramref name="ns"/>, or in every namespace when it is empty.</summary>
    public static IResourceSource<FineTuneJob> FineTuneJobs(IKubernetes client, string? ns, int timeoutSeconds)
        => new FineTuneJobSource(client, string.IsNullOrEmpty(ns) ? null : ns, timeoutSeconds);

    /// <summary>batch/v1 Jobs created by the operator, in <paramref name="ns"/> or every namespace.</summary>
    public static IResourceSource<V1Job> TrainingJobs(IKubernetes client, string? ns, int timeoutSeconds)
        => new TrainingJobSource(client, string.IsNullOrEmpty(ns) ? null : ns, timeoutSeconds);

    /// <summary>Pods of the operator's Jobs (they inherit its labels from the Job template), in <paramref name="ns"/> or every namespace.</summary>
    public static IResourceSource<V1Pod> TrainingPods(IKubernetes client, string? ns, int timeoutSeconds)
        => new TrainingPodSource(client, string.IsNullOrEmpty(ns) ? null : ns, timeoutSeconds);

    // The typed Watch helpers are obsolete in KubernetesClient 21, but they are the only ones that take a
    // resourceVersion, bookmarks and a timeout; the list call with watch=true is the supported path underneath.
#pragma warning disable CS0618
    private sealed class FineTuneJobSource(IKubernetes client, string? ns, int timeoutSeconds) : IResourceSource<FineTuneJob>
    {
        public string Description => $"{FineTuneJobApi.Plural} in {ns ?? "all namespaces"}";

        public async Task<ResourceList<FineTuneJob>> ListAsync(CancellationToken cancellationToken)
        {
            using var response = ns is null
                ? await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<FineTuneJobList>(
                    FineTuneJobApi.Group, FineTuneJobApi.Version, FineTuneJobApi.Plural, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<FineTuneJobList>(
                    FineTuneJobApi.Group, FineTuneJobApi.Version, ns, FineTuneJobApi.Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ResourceList<FineTuneJob>(response.Body.Items.ToList(), response.Body.Metadata?.ResourceVersion ?? "");
        }

        public IAsyncEnumerable<(WatchEventType Type, FineTuneJob Object)> WatchAsync(string resourceVersion,
            Action<Exception> onError, CancellationToken cancellationToken)
        {
            var response = ns is null
                ? client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(
                    FineTuneJobApi.Group, FineTuneJobApi.Version, FineTuneJobApi.Plural, allowWatchBookmarks: true,
                    resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: cancellationToken)
                : client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(
                    FineTuneJobApi.Group, FineTuneJobApi.Version, ns, FineTuneJobApi.Plural, allowWatchBookmarks: true,
                    resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: cancellationToken);
            return response.WatchAsync<FineTuneJob, object>(onError, cancellationToken);
        }
    }

    private sealed class TrainingJobSource(IKubernetes client, string? ns, int timeoutSeconds) : IResourceSource<V1Job>
    {
        public string Description => $"jobs.batch ({Labels.ManagedSelector}) in {ns ?? "all namespaces"}";

        public async Task<ResourceList<V1Job>> ListAsync(CancellationToken cancellationToken)
        {
            using var response = ns is null
                ? await client.BatchV1.ListJobForAllNamespacesWithHttpMessagesAsync(labelSelector: Labels.ManagedSelector,
                    cancellationToken: cancellationToken).ConfigureAwait(false)
                : await client.BatchV1.ListNamespacedJobWithHttpMessagesAsync(ns, labelSelector: Labels.ManagedSelector,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ResourceList<V1Job>(response.Body.Items.ToList(), response.Body.Metadata?.ResourceVersion ?? "");
        }

        public IAsyncEnumerable<(WatchEventType Type, V1Job Object)> WatchAsync(string resourceVersion,
            Action<Exception> onError, CancellationToken cancellationToken)
        {
            var response = ns is null
                ? client.BatchV1.ListJobForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: Labels.ManagedSelector,
                    resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: cancellationToken)
                : client.BatchV1.ListNamespacedJobWithHttpMessagesAsync(ns, allowWatchBookmarks: true, labelSelector: Labels.ManagedSelector,
                    resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: cancellationToken);
            return response.WatchAsync<V1Job, V1JobList>(onError, cancellationToken);
        }
    }
    private sealed class TrainingPodSource(IKubernetes client, string? ns, int timeoutSeconds) : IResourceSource<V1Pod>
    {
        public string Description => $"pods ({Labels.ManagedSelector}) in {ns ?? "all namespaces"}";

        public async Task<ResourceList<V1Pod>> ListAsync(CancellationToken cancellationToken)
        {
            using var response = ns is null
                ? await client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(labelSelector: Labels.ManagedSelector,
                    cancellationToken: cancellationToken).ConfigureAwait(false)
                : await client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(ns, labelSelector: Labels.ManagedSelector,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ResourceList<V1Pod>(response.Body.Items.ToList(), response.Body.Metadata?.ResourceVersion ?? "");
        }

        public IAsyncEnumerable<(WatchEventType Type, V1Pod Object)> WatchAsync(string resourceVersion,
            Action<Exception> onError, CancellationToken cancellationToken)
        {
            var response = ns is null
                ? client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: true, labelSelector: Labels.ManagedSelector,
                    resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: cancellationToken)
                : client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(ns, allowWatchBookmarks: true, labelSelector: Labels.ManagedSelector,
                    resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: cancellationToken);
            return response.WatchAsync<V1Pod, V1PodList>(onError, cancellationToken);
        }
    }
#pragma warning restore CS0618
}
