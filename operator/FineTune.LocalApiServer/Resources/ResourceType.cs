using k8s.Models;

namespace FineTune.LocalApiServer.Resources;

/// <summary>
/// One served resource: where it lives in the URL space (group, version, plural), what it is (kind, scope) and the
/// behaviours that differ between resources (status subresource, schema, delete defaults).
/// </summary>
public sealed record ResourceType
{
    /// <summary>API group; empty for the core group.</summary>
    public required string Group { get; init; }

    /// <summary>API version, e.g. <c>v1</c>.</summary>
    public required string Version { get; init; }

    /// <summary>Lower-case plural used in URLs, e.g. <c>pods</c>.</summary>
    public required string Plural { get; init; }

    /// <summary>Kind, e.g. <c>Pod</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>True when objects live in a namespace.</summary>
    public bool Namespaced { get; init; } = true;

    /// <summary>True when <c>/status</c> is a subresource: main writes ignore status, status writes change only status.</summary>
    public bool HasStatusSubresource { get; init; }

    /// <summary>The CRD version's openAPIV3Schema, for custom resources; null for built-ins.</summary>
    public V1JSONSchemaProps? Schema { get; init; }

    /// <summary>
    /// True when a delete without a propagation policy orphans dependents. Kubernetes keeps this default for batch/v1
    /// Jobs for backward compatibility, so their pods stay unless the caller asks for Background.
    /// </summary>
    public bool OrphansDependentsByDefault { get; init; }

    /// <summary>True when a completed delete answers with the object (Pods, custom resources) rather than a Status.</summary>
    public bool ReturnsObjectOnDelete { get; init; }

    /// <summary>Short names clients may use (from the CRD's spec.names.shortNames), e.g. <c>ftj</c>.</summary>
    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary><c>group/version</c>, or just the version for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Kind of the list, e.g. <c>PodList</c>.</summary>
    public string ListKind => Kind + "List";

    /// <summary>Storage identity shared by every version of one resource: <c>plural.group</c>.</summary>
    public string StorageKey => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
