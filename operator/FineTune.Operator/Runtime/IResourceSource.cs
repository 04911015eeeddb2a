using k8s;
using k8s.Models;

namespace FineTune.Operator.Runtime;

/// <summary>List and watch of one kind of resource (in one namespace or all), as the informer needs them.</summary>
public interface IResourceSource<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>What is watched, for logs (e.g. "finetunejobs in ml").</summary>
    string Description { get; }

    /// <summary>Lists every object now.</summary>
    Task<ResourceList<T>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> with bookmarks and a server-side timeout. Errors the stream
    /// carries (410 Gone, undecodable events) go to <paramref name="onError"/>.
    /// </summary>
    IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion, Action<Exception> onError,
        CancellationToken cancellationToken);
}
