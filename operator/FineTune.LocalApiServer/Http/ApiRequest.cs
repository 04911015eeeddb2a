using FineTune.LocalApiServer.Resources;

namespace FineTune.LocalApiServer.Http;

/// <summary>A resource request decoded from its URL and method.</summary>
/// <param name="Verb">get, list, watch, create, update, patch, delete or deletecollection.</param>
/// <param name="Type">The resource addressed.</param>
/// <param name="Namespace">The namespace in the URL; null for cluster-scoped resources and all-namespaces lists.</param>
/// <param name="Name">The object name, for single-object requests.</param>
/// <param name="Subresource">The subresource (<c>status</c>), or null.</param>
public sealed record ApiRequest(string Verb, ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>Resource as counted and matched by fault rules: <c>jobs</c> or <c>jobs/status</c>.</summary>
    public string ResourceLabel => Subresource is null ? Type.Plural : $"{Type.Plural}/{Subresource}";
}
