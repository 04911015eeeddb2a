using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace FineTune.Operator.Runtime;

/// <summary>
/// Keeps a local copy of one kind of resource and reports changes: list, then watch from the list's resourceVersion;
/// a normal end of the watch re-opens it from the last resourceVersion seen (bookmarks included); 410 Gone, a broken
/// stream or a watch silent for too long lead to a fresh list, whose differences to the copy are reported as
/// added/updated/deleted. Errors back off exponentially so an unreachable API server is retried, never hammered.
/// </summary>
/// <typeparam name="T">The resource type.</typeparam>
public sealed class ResourceInformer<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceSource<T> source;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly TimeSpan idleTimeout;
    private readonly ConcurrentDictionary<string, T> store = new();
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int lists;

    /// <summary>An informer over <paramref name="source"/>; a watch without any event for <paramref name="idleTimeout"/> is restarted.</summary>
    public ResourceInformer(IResourceSource<T> source, TimeProvider time, ILogger logger, TimeSpan idleTimeout)
    {
        this.source = source;
        this.time = time;
        this.logger = logger;
        this.idleTimeout = idleTimeout;
    }

    /// <summary>A new object appeared.</summary>
    public event Action<T>? Added;

    /// <summary>An object changed: old, new.</summary>
    public event Action<T, T>? Updated;

    /// <summary>An object went away (its last known state).</summary>
    public event Action<T>? Deleted;

    /// <summary>True once the first list has been loaded.</summary>
    public bool HasSynced => synced.Task.IsCompleted;

    /// <summary>Completes when the first list has been loaded.</summary>
    public Task Synced => synced.Task;

    /// <summary>How many times the informer listed (1 plus re-lists).</summary>
    public int Lists => Volatile.Read(ref lists);

    /// <summary>Every object in the local copy.</summary>
    public ICollection<T> Items => store.Values;

    /// <summary>The object with key namespace/name, when known.</summary>
    public T? Get(string key) => store.GetValueOrDefault(key);

    /// <summary>namespace/name of an object (name alone for cluster-scoped objects).</summary>
    public static string KeyOf(T obj)
        => obj.Metadata.NamespaceProperty is { Length: > 0 } ns ? $"{ns}/{obj.Metadata.Name}" : obj.Metadata.Name;

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
                var started = time.GetTimestamp();
                await WatchUntilGoneAsync(resourceVersion, cancellationToken).ConfigureAwait(false);
                // A watch that breaks at once every time must not turn into a tight list/watch loop.
                if (time.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
                    await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(failures, 6) - 1)));
                logger.LogWarning("Listing/watching {Source} failed ({Error}); retrying in {Delay}s",
                    source.Description, Describe(ex), delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var list = await source.ListAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref lists);
        var seen = new HashSet<string>();
        foreach (var item in list.Items)
        {
            var key = KeyOf(item);
            seen.Add(key);
            Apply(WatchEventType.Modified, item);
        }
        foreach (var key in store.Keys.Where(k => !seen.Contains(k)).ToList())
            if (store.TryRemove(key, out var gone))
                Deleted?.Invoke(gone);
        synced.TrySetResult();
        return list.ResourceVersion;
    }

    /// <summary>Watches, re-opening after normal ends, until the resourceVersion expires or the stream breaks.</summary>
    private async Task WatchUntilGoneAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var idle = time.CreateTimer(_ => SafeCancel(watchCts), null, idleTimeout, Timeout.InfiniteTimeSpan);
            var gone = false;
            var events = 0;
            var opened = time.GetTimestamp();
            void OnError(Exception ex)
            {
                if (ex is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
                {
                    gone = true;
                    SafeCancel(watchCts);
                }
                else
                {
                    // An undecodable event (e.g. a bookmark of a type with required fields) is dropped; the watch goes on.
                    logger.LogDebug("Watch of {Source} reported {Error}", source.Description, Describe(ex));
                }
            }

            try
            {
                await foreach (var (type, obj) in source.WatchAsync(resourceVersion, OnError, watchCts.Token).ConfigureAwait(false))
                {
                    idle.Change(idleTimeout, Timeout.InfiniteTimeSpan);
                    events++;
                    if (obj?.Metadata?.ResourceVersion is { Length: > 0 } rv)
                        resourceVersion = rv;
                    if (type is WatchEventType.Bookmark or WatchEventType.Error || obj?.Metadata?.Name is null)
                        continue;
                    Apply(type, obj);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (!gone)
                {
                    logger.LogInformation("Watch of {Source} was silent for {Seconds}s; re-listing", source.Description, idleTimeout.TotalSeconds);
                    return;
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                // A server closing the stream can surface as an exception; treat it as the end of the watch.
                logger.LogDebug("Watch of {Source} ended: {Error}; re-listing", source.Description, ex.Message);
                return;
            }
            if (gone)
            {
                logger.LogInformation("resourceVersion {ResourceVersion} of {Source} expired (410 Gone); re-listing", resourceVersion, source.Description);
                return;
            }
            if (events == 0 && time.GetElapsedTime(opened) < TimeSpan.FromSeconds(1))
                return; // closed at once without a word: re-list (after a pause) rather than spin

        }
    }

    private void Apply(WatchEventType type, T obj)
    {
        var key = KeyOf(obj);
        if (type == WatchEventType.Deleted)
        {
            store.TryRemove(key, out _);
            Deleted?.Invoke(obj);
            return;
        }
        if (store.TryGetValue(key, out var old))
        {
            store[key] = obj;
            if (old.Metadata.ResourceVersion != obj.Metadata.ResourceVersion)
                Updated?.Invoke(old, obj);
        }
        else
        {
            store[key] = obj;
            Added?.Invoke(obj);
        }
    }

    private static void SafeCancel(CancellationTokenSource cts)
    {
        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The watch already ended.
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        HttpOperationException http => $"HTTP {(int)http.Response.StatusCode}: {http.Message}",
        KubernetesException k8s => $"{k8s.Status?.Code} {k8s.Status?.Reason}: {k8s.Status?.Message}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
