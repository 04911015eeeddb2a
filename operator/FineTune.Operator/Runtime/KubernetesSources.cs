using FineTune.Api.V1Alpha1;
using FineTune.Operator.Builders;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FineTune.Operator.Runtime;

/// <summary>List/watch sources over the Kubernetes API for the kinds the operator watches.</summary>
public static class KubernetesSources
{
    /// <summary>FineTuneJobs in <paramref name="ns"/>, or in every namespace when it is empty.</summary>
    public static IResourceSource<FineTuneJob> FineTuneJobs(IKubernetes client, string? ns, int timeoutSeconds)
        => new FineTuneJobSource(client, string.IsNullOrEmpty(ns) ? null : ns, timeoutSeconds);

    /// <summary>batch/v1 Jobs created by the operator, in <paramref name="ns"/> or every namespace.</summary>
    public static IResourceSource<V1Job> TrainingJobs(IKubernetes client, string? ns, int timeoutSeconds) =>
        string.IsNullOrEmpty(ns)
            ? new ManagedSource<V1Job, V1JobList>($"jobs.batch ({Labels.ManagedSelector}) in all namespaces",
                (watch, version, bookmarks, timeout, ct) => client.BatchV1.ListJobForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: bookmarks,
                    labelSelector: Labels.ManagedSelector, resourceVersion: version, timeoutSeconds: timeout, watch: watch, cancellationToken: ct), timeoutSeconds)
            : new ManagedSource<V1Job, V1JobList>($"jobs.batch ({Labels.ManagedSelector}) in {ns}",
                (watch, version, bookmarks, timeout, ct) => client.BatchV1.ListNamespacedJobWithHttpMessagesAsync(ns, allowWatchBookmarks: bookmarks,
                    labelSelector: Labels.ManagedSelector, resourceVersion: version, timeoutSeconds: timeout, watch: watch, cancellationToken: ct), timeoutSeconds);

    /// <summary>Pods of the operator's Jobs (they inherit its labels from the Job template), in <paramref name="ns"/> or every namespace.</summary>
    public static IResourceSource<V1Pod> TrainingPods(IKubernetes client, string? ns, int timeoutSeconds) =>
        string.IsNullOrEmpty(ns)
            ? new ManagedSource<V1Pod, V1PodList>($"pods ({Labels.ManagedSelector}) in all namespaces",
                (watch, version, bookmarks, timeout, ct) => client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: bookmarks,
                    labelSelector: Labels.ManagedSelector, resourceVersion: version, timeoutSeconds: timeout, watch: watch, cancellationToken: ct), timeoutSeconds)
            : new ManagedSource<V1Pod, V1PodList>($"pods ({Labels.ManagedSelector}) in {ns}",
                (watch, version, bookmarks, timeout, ct) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(ns, allowWatchBookmarks: bookmarks,
                    labelSelector: Labels.ManagedSelector, resourceVersion: version, timeoutSeconds: timeout, watch: watch, cancellationToken: ct), timeoutSeconds);

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

    /// <summary>
    /// One list call of the API, either as a plain list (<c>watch</c> false) or as a watch from
    /// <c>resourceVersion</c>; the kinds differ only in which generated client method this is.
    /// </summary>
    private delegate Task<HttpOperationResponse<TList>> ListCall<TList>(bool? watch, string? resourceVersion, bool? bookmarks,
        int? timeoutSeconds, CancellationToken cancellationToken);

    /// <summary>A kind the operator labels as its own (Jobs, and the pods that inherit the Job template's labels).</summary>
    private sealed class ManagedSource<T, TList>(string description, ListCall<TList> list, int timeoutSeconds) : IResourceSource<T>
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TList : IItems<T>, IMetadata<V1ListMeta>
    {
        public string Description => description;

        public async Task<ResourceList<T>> ListAsync(CancellationToken cancellationToken)
        {
            using var response = await list(null, null, null, null, cancellationToken).ConfigureAwait(false);
            return new ResourceList<T>(response.Body.Items.ToList(), response.Body.Metadata?.ResourceVersion ?? "");
        }

        public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion,
            Action<Exception> onError, CancellationToken cancellationToken) =>
            list(true, resourceVersion, true, timeoutSeconds, cancellationToken).WatchAsync<T, TList>(onError, cancellationToken);
    }
#pragma warning restore CS0618
}
