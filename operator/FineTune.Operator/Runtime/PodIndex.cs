using System.Collections.Concurrent;
using FineTune.Operator.Builders;
using k8s.Models;

namespace FineTune.Operator.Runtime;

/// <summary>
/// The training pods known to the pod informer, grouped by the FineTuneJob they belong to (namespace/name from the
/// <see cref="Labels.JobName"/> label the pods inherit from their Job's template), so a reconcile reads its pods
/// without an API call and without scanning every pod.
/// </summary>
public sealed class PodIndex
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, V1Pod>> byOwner = new();

    /// <summary>The FineTuneJob key (namespace/name) of <paramref name="pod"/>, or null when it carries no owner label.</summary>
    public static string? OwnerKeyOf(V1Pod pod)
        => pod.Metadata.Labels?.TryGetValue(Labels.JobName, out var owner) == true ? $"{pod.Metadata.NamespaceProperty}/{owner}" : null;

    /// <summary>Adds or replaces <paramref name="pod"/>.</summary>
    public void Upsert(V1Pod pod)
    {
        if (OwnerKeyOf(pod) is { } owner)
            byOwner.GetOrAdd(owner, _ => new ConcurrentDictionary<string, V1Pod>())[pod.Metadata.Name] = pod;
    }

    /// <summary>Forgets <paramref name="pod"/>.</summary>
    public void Remove(V1Pod pod)
    {
        if (OwnerKeyOf(pod) is { } owner && byOwner.TryGetValue(owner, out var pods))
        {
            pods.TryRemove(pod.Metadata.Name, out _);
            if (pods.IsEmpty)
                byOwner.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, V1Pod>>(owner, pods));
        }
    }

    /// <summary>The pods of FineTuneJob <paramref name="ns"/>/<paramref name="name"/>.</summary>
    public IReadOnlyList<V1Pod> Of(string ns, string name)
        => byOwner.TryGetValue($"{ns}/{name}", out var pods) ? pods.Values.ToList() : [];
}
