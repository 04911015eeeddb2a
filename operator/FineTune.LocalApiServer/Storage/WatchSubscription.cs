using System.Threading.Channels;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Selectors;

namespace FineTune.LocalApiServer.Storage;

/// <summary>
/// One open watch: the events of one resource (in one namespace or all) that match its selectors, in resourceVersion
/// order. An update that makes an object start or stop matching arrives as ADDED or DELETED, as in Kubernetes.
/// Dispose to stop receiving.
/// </summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly ObjectStore _store;
    private readonly Channel<WatchEvent> _channel = Channel.CreateUnbounded<WatchEvent>();

    internal WatchSubscription(ObjectStore store, ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        _store = store;
        Type = type;
        Namespace = ns;
        Labels = labels;
        Fields = fields;
    }

    /// <summary>The resource watched.</summary>
    public ResourceType Type { get; }

    /// <summary>The namespace watched, or null for all.</summary>
    public string? Namespace { get; }

    /// <summary>The label selector.</summary>
    public LabelSelector Labels { get; }

    /// <summary>The field selector.</summary>
    public FieldSelector Fields { get; }

    /// <summary>The events, in order. Completes when the subscription is disposed.</summary>
    public ChannelReader<WatchEvent> Events => _channel.Reader;

    internal int Pending => _channel.Reader.Count;

    /// <summary>Queues <paramref name="change"/> as this watcher sees it, or not at all.</summary>
    internal void Offer(WatchEvent change)
    {
        if (change.Object.Type.StorageKey != Type.StorageKey) return;
        if (Namespace is not null && change.Object.Namespace != Namespace) return;
        var now = Matches(change.Object);
        var before = change.Previous is not null && Matches(change.Previous);
        var type = change.Type switch
        {
            "ADDED" => now ? "ADDED" : null,
            "DELETED" => before || now ? "DELETED" : null,
            _ => (before, now) switch { (true, true) => "MODIFIED", (false, true) => "ADDED", (true, false) => "DELETED", _ => null },
        };
        if (type is not null) _channel.Writer.TryWrite(type == change.Type ? change : change with { Type = type });
    }

    private bool Matches(StoredObject obj) =>
        Labels.Matches(obj.Labels) && (ReferenceEquals(Fields, FieldSelector.Everything) || Fields.Matches(obj.Object));

    /// <summary>Stops the subscription.</summary>
    public void Dispose()
    {
        _store.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
