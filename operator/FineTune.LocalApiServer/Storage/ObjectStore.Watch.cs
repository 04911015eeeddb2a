using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Selectors;

namespace FineTune.LocalApiServer.Storage;

/// <summary>Watch history and subscriptions.</summary>
public sealed partial class ObjectStore
{
    private readonly int _historyCapacity;
    private readonly List<WatchEvent> _history = new();
    private readonly List<WatchSubscription> _watchers = new();
    private long _compactedRevision;

    /// <summary>
    /// Opens a watch. With no resourceVersion (or "0") it starts with a synthetic ADDED for every matching object, then
    /// follows changes; with a resourceVersion it replays every change after it from the history, then follows. A
    /// resourceVersion older than the history window is 410 Expired.
    /// </summary>
    public WatchSubscription Watch(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, string? resourceVersion)
    {
        lock (_gate)
        {
            var subscription = new WatchSubscription(this, type, ns, labels, fields);
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var obj in Bucket(type).Values) subscription.Offer(new WatchEvent("ADDED", obj, null));
            }
            else
            {
                if (!long.TryParse(resourceVersion, out var from) || from < 0)
                    throw ApiException.BadRequest($"resourceVersion '{resourceVersion}' is not valid: expected a resourceVersion this server returned");
                if (from < _compactedRevision)
                    throw new ApiException(410, "Expired", $"too old resource version: {from} ({_compactedRevision})");
                foreach (var change in _history.Skip(FirstHistoryIndexAfter(from))) subscription.Offer(change);
            }
            _watchers.Add(subscription);
            return subscription;
        }
    }

    /// <summary>
    /// The resourceVersion a BOOKMARK may carry for <paramref name="subscription"/>: the current one when the watcher has
    /// taken every event queued for it (so nothing up to it is still undelivered), otherwise null.
    /// </summary>
    public long? BookmarkRevision(WatchSubscription subscription)
    {
        lock (_gate) return subscription.Pending == 0 ? _revision : null;
    }

    /// <summary>The oldest resourceVersion a watch can still start from.</summary>
    public long OldestWatchableRevision
    {
        get { lock (_gate) return _compactedRevision; }
    }

    internal void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate) _watchers.Remove(subscription);
    }

    private void Record(WatchEvent change)
    {
        _history.Add(change);
        if (_history.Count > _historyCapacity)
        {
            // Drop in chunks so compaction is not paid on every write.
            var drop = Math.Min(_history.Count, _history.Count - _historyCapacity + _historyCapacity / 10);
            _compactedRevision = _history[drop - 1].Revision;
            _history.RemoveRange(0, drop);
        }
        foreach (var watcher in _watchers) watcher.Offer(change);
    }

    private int FirstHistoryIndexAfter(long revision)
    {
        int low = 0, high = _history.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (_history[mid].Revision <= revision) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}
