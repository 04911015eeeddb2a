using System.Text.Json.Nodes;
using FineTune.LocalApiServer.Resources;

namespace FineTune.LocalApiServer.Http;

/// <summary>
/// The discovery documents (<c>/api</c>, <c>/api/v1</c>, <c>/apis</c>, <c>/apis/group/version</c>) built from the
/// registry, so clients that discover resources (kubectl, the client's discovery calls) find what is served.
/// </summary>
public static class DiscoveryDocuments
{
    private static readonly string[] ObjectVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] StatusVerbs = ["get", "patch", "update"];

    /// <summary>The document at <paramref name="path"/>, or null when the path is not a discovery path.</summary>
    public static JsonObject? For(ResourceRegistry registry, string path, int port)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            ["api"] => new JsonObject
            {
                ["kind"] = "APIVersions",
                ["versions"] = new JsonArray("v1"),
                ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = $"127.0.0.1:{port}" }),
            },
            ["api", var version] => ResourceList(registry, "", version),
            ["apis"] => GroupList(registry),
            ["apis", var group] => Groups(registry).FirstOrDefault(g => g["name"]!.GetValue<string>() == group) is { } found
                ? WithKind(found, "APIGroup") : null,
            ["apis", var group, var version] => ResourceList(registry, group, version),
            _ => null,
        };
    }

    private static JsonObject WithKind(JsonObject group, string kind)
    {
        var copy = (JsonObject)group.DeepClone();
        copy["kind"] = kind;
        copy["apiVersion"] = "v1";
        return copy;
    }

    private static JsonObject GroupList(ResourceRegistry registry) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(Groups(registry).Select(g => (JsonNode)g).ToArray()),
    };

    private static IEnumerable<JsonObject> Groups(ResourceRegistry registry) =>
        registry.All.Where(t => t.Group.Length > 0).GroupBy(t => t.Group).OrderBy(g => g.Key).Select(g =>
        {
            var versions = g.Select(t => t.Version).Distinct().OrderByDescending(v => v, StringComparer.Ordinal).ToList();
            JsonObject Version(string v) => new() { ["groupVersion"] = $"{g.Key}/{v}", ["version"] = v };
            return new JsonObject
            {
                ["name"] = g.Key,
                ["versions"] = new JsonArray(versions.Select(v => (JsonNode)Version(v)).ToArray()),
                ["preferredVersion"] = Version(versions[0]),
            };
        });

    private static JsonObject? ResourceList(ResourceRegistry registry, string group, string version)
    {
        var types = registry.All.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural).ToList();
        if (types.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var type in types)
        {
            resources.Add(Resource(type.Plural, type, ObjectVerbs));
            if (type.HasStatusSubresource) resources.Add(Resource(type.Plural + "/status", type, StatusVerbs));
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject Resource(string name, ResourceType type, string[] verbs) => new()
    {
        ["name"] = name,
        ["singularName"] = name.Contains('/') ? "" : type.Kind.ToLowerInvariant(),
        ["namespaced"] = type.Namespaced,
        ["kind"] = type.Kind,
        ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
        ["shortNames"] = new JsonArray((name.Contains('/') ? [] : type.ShortNames).Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
    };
}
