using System.Collections.Concurrent;
using FineTune.Api.V1Alpha1;
using k8s.Models;

namespace FineTune.Operator.Runtime;

/// <summary>
/// What the operator wrote that its informer caches may not show yet: per FineTuneJob key, the resourceVersion its
/// last own write of the FineTuneJob returned and the names of the Jobs it created. A reconcile reads from the caches
/// only when they already reflect these writes; otherwise it reads from the API server. That keeps a lagging cache from
/// ever planning with an old status (e.g. without the run id just written, which would name a second set of Jobs).
/// </summary>
public sealed class WriteExpectations
{
    private readonly ConcurrentDictionary<string, string> written = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> created = new();

    /// <summary>The operator wrote FineTuneJob <paramref name="key"/> and the API server answered with <paramref name="resourceVersion"/>.</summary>
    public void Wrote(string key, string? resourceVersion)
    {
        if (!string.IsNullOrEmpty(resourceVersion))
            written[key] = resourceVersion;
    }

    /// <summary>The operator created Job <paramref name="jobName"/> for FineTuneJob <paramref name="key"/>.</summary>
    public void Created(string key, string jobName)
        => created.GetOrAdd(key, _ => new ConcurrentDictionary<string, byte>())[jobName] = 0;

    /// <summary>True when <paramref name="cached"/> is at least as new as the operator's last write of it.</summary>
    public bool Reflects(string key, FineTuneJob cached)
    {
        if (!written.TryGetValue(key, out var expected))
            return true;
        if (!NotOlder(cached.Metadata.ResourceVersion, expected))
            return false;
        written.TryRemove(new KeyValuePair<string, string>(key, expected));
        return true;
    }

    /// <summary>True when <paramref name="cached"/> holds every Job the operator created for <paramref name="key"/>.</summary>
    public bool Reflects(string key, IReadOnlyList<V1Job> cached)
    {
        if (!created.TryGetValue(key, out var names))
            return true;
        foreach (var name in names.Keys)
        {
            if (!cached.Any(j => j.Metadata.Name == name))
                return false;
            names.TryRemove(name, out _);
        }
        if (names.IsEmpty)
            created.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, byte>>(key, names));
        return true;
    }

    /// <summary>The Jobs of <paramref name="key"/> were just listed from the API server: that answer is authoritative, so
    /// a created Job missing from it was deleted since, and waiting for the cache to show it would never end.</summary>
    public void Listed(string key) => created.TryRemove(key, out _);

    /// <summary>FineTuneJob <paramref name="key"/> is gone: nothing is expected of it any more.</summary>
    public void Forget(string key)
    {
        written.TryRemove(key, out _);
        created.TryRemove(key, out _);
    }

    // resourceVersions are opaque to clients; every API server in use hands out increasing integers (etcd revisions),
    // and anything else is only trusted when it is the very version written.
    private static bool NotOlder(string? cached, string expected)
        => cached == expected
           || (long.TryParse(cached, out var have) && long.TryParse(expected, out var want) && have >= want);
}
