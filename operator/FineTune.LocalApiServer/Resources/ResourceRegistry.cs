using System.Collections.Concurrent;
using k8s.Models;

namespace FineTune.LocalApiServer.Resources;

/// <summary>
/// The resources the server serves, found by URL (group, version, plural) or by object (apiVersion, kind).
/// Built-ins are there from the start; custom resources are added from CustomResourceDefinitions at any time.
/// </summary>
public sealed class ResourceRegistry
{
    private readonly ConcurrentDictionary<(string Group, string Version, string Plural), ResourceType> _byPath = new();
    private readonly ConcurrentDictionary<(string ApiVersion, string Kind), ResourceType> _byKind = new();

    /// <summary>Creates a registry holding the built-in resources.</summary>
    public ResourceRegistry()
    {
        foreach (var type in BuiltInResources.All) Add(type);
    }

    /// <summary>Every resource served now.</summary>
    public IReadOnlyCollection<ResourceType> All => _byPath.Values.ToList();

    /// <summary>Serves <paramref name="type"/>, replacing an earlier definition of the same group/version/plural.</summary>
    public void Add(ResourceType type)
    {
        _byPath[(type.Group, type.Version, type.Plural)] = type;
        _byKind[(type.ApiVersion, type.Kind)] = type;
    }

    /// <summary>
    /// Serves every version of <paramref name="crd"/> marked served, with its schema and status subresource.
    /// </summary>
    public IReadOnlyList<ResourceType> AddCustomResourceDefinition(V1CustomResourceDefinition crd)
    {
        var spec = crd.Spec ?? throw new ArgumentException($"CustomResourceDefinition {crd.Metadata?.Name}: spec is missing");
        if (string.IsNullOrEmpty(spec.Group) || string.IsNullOrEmpty(spec.Names?.Plural) || string.IsNullOrEmpty(spec.Names?.Kind))
            throw new ArgumentException(
                $"CustomResourceDefinition {crd.Metadata?.Name}: spec.group, spec.names.plural and spec.names.kind are required");
        var added = new List<ResourceType>();
        foreach (var version in spec.Versions ?? [])
        {
            if (!version.Served) continue;
            var type = new ResourceType
            {
                Group = spec.Group,
                Version = version.Name,
                Plural = spec.Names.Plural,
                Kind = spec.Names.Kind,
                Namespaced = !string.Equals(spec.Scope, "Cluster", StringComparison.Ordinal),
                HasStatusSubresource = version.Subresources?.Status is not null,
                Schema = version.Schema?.OpenAPIV3Schema,
                ReturnsObjectOnDelete = true,
                ShortNames = spec.Names.ShortNames?.ToList() ?? [],
            };
            Add(type);
            added.Add(type);
        }
        return added;
    }

    /// <summary>The resource at <c>/apis/group/version/plural</c>, or null.</summary>
    public ResourceType? Find(string group, string version, string plural) =>
        _byPath.TryGetValue((group, version, plural), out var type) ? type : null;

    /// <summary>The resource of objects with this apiVersion and kind, or null.</summary>
    public ResourceType? FindByKind(string apiVersion, string kind) =>
        _byKind.TryGetValue((apiVersion, kind), out var type) ? type : null;
}
