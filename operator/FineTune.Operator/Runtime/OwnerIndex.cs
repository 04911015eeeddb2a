using System.Collections.Concurrent;
using FineTune.Operator.Builders;
using k8s;
using k8s.Models;

namespace FineTune.Operator.Runtime;

/// <summary>
/// Objects known to an informer (training Jobs, their pods), grouped by the FineTuneJob they belong to (namespace/name
/// from the <see cref="Labels.JobName"/> label the operator sets on Jobs and their pod templates), so a reconcile reads
/// them without an API call and without scanning every object.
/// </summary>
/// <typeparam name="T">The owned kind.</typeparam>
public sealed class OwnerIndex<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, T>> byOwner = new();

    /// <summary>The FineTuneJob key (namespace/name) of <paramref name="obj"/>, or null when it carries no owner label.</summary>
    public static string? OwnerKeyOf(T obj)
        => obj.Metadata.Labels?.TryGetValue(Labels.JobName, out var owner) == true ? $"{obj.Metadata.NamespaceProperty}/{owner}" : null;

    /// <summary>Adds or replaces <paramref name="obj"/>.</summary>
    public void Upsert(T obj)
    {
        if (OwnerKeyOf(obj) is { } owner)
            byOwner.GetOrAdd(owner, _ => new ConcurrentDictionary<string, T>())[obj.Metadata.Name] = obj;
    }

    /// <summary>Forgets <paramref name="obj"/>.</summary>
    public void Remove(T obj)
    {
        if (OwnerKeyOf(obj) is { } owner && byOwner.TryGetValue(owner, out var owned))
        {
            owned.TryRemove(obj.Metadata.Name, out _);
            if (owned.IsEmpty)
                byOwner.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, T>>(owner, owned));
        }
    }

    /// <summary>The objects of FineTuneJob <paramref name="ns"/>/<paramref name="name"/>.</summary>
    public IReadOnlyList<T> Of(string ns, string name)
        => byOwner.TryGetValue($"{ns}/{name}", out var owned) ? owned.Values.ToList() : [];
}
