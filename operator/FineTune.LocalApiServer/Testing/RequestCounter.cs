using System.Collections.Concurrent;

namespace FineTune.LocalApiServer.Testing;

/// <summary>Counts the requests the server received, by verb and resource (<c>jobs</c>, <c>jobs/status</c>).</summary>
public sealed class RequestCounter
{
    private readonly ConcurrentDictionary<(string Verb, string Resource), int> _counts = new();

    /// <summary>Counts one request.</summary>
    public void Record(string verb, string resource) => _counts.AddOrUpdate((verb, resource), 1, (_, n) => n + 1);

    /// <summary>Requests of <paramref name="verb"/> on <paramref name="resource"/> so far; * matches any.</summary>
    public int Count(string verb, string resource) =>
        _counts.Where(p => (verb == "*" || p.Key.Verb == verb) && (resource == "*" || p.Key.Resource == resource)).Sum(p => p.Value);

    /// <summary>Every count so far.</summary>
    public IReadOnlyDictionary<(string Verb, string Resource), int> Snapshot() => new Dictionary<(string, string), int>(_counts);

    /// <summary>Starts counting from zero.</summary>
    public void Reset() => _counts.Clear();
}
