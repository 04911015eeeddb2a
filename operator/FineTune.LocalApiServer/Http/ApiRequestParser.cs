using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Resources;

namespace FineTune.LocalApiServer.Http;

/// <summary>Decodes Kubernetes resource URLs (<c>/api/v1/...</c>, <c>/apis/group/version/...</c>) into <see cref="ApiRequest"/>s.</summary>
public static class ApiRequestParser
{
    /// <summary>The request, or null when the path is not a resource path.</summary>
    public static ApiRequest? Parse(ResourceRegistry registry, string method, string path, bool watch)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        string group, version;
        string[] rest;
        if (segments.Length >= 3 && segments[0] == "api")
            (group, version, rest) = ("", segments[1], segments[2..]);
        else if (segments.Length >= 4 && segments[0] == "apis")
            (group, version, rest) = (segments[1], segments[2], segments[3..]);
        else
            return null;

        string? ns = null;
        // /namespaces/{ns}/{plural}/... addresses namespaced objects; /namespaces/{name}[/status] is a Namespace itself.
        var namespaceObject = group.Length == 0 && rest[0] == "namespaces" && (rest.Length <= 2 || (rest.Length == 3 && rest[2] is "status" or "finalize"));
        if (rest[0] == "namespaces" && rest.Length >= 3 && !namespaceObject)
        {
            ns = rest[1];
            rest = rest[2..];
        }
        if (rest.Length > 3) return null;
        var plural = rest[0];
        var name = rest.Length > 1 ? rest[1] : null;
        var subresource = rest.Length > 2 ? rest[2] : null;

        var type = registry.Find(group, version, plural)
            ?? throw new ApiException(404, "NotFound",
                $"the server could not find the requested resource: {(group.Length == 0 ? "" : group + "/")}{version} {plural} is not served");
        if (type.Namespaced && ns is null && name is not null)
            throw new ApiException(404, "NotFound", $"{plural} is namespaced: address objects as .../namespaces/{{namespace}}/{plural}/{name}");
        if (!type.Namespaced && ns is not null)
            throw new ApiException(404, "NotFound", $"{plural} is cluster-scoped: it has no objects under /namespaces/{ns}");
        if (subresource is not null && (subresource != "status" || !type.HasStatusSubresource))
            throw new ApiException(404, "NotFound", $"{plural} has no subresource '{subresource}'");

        var verb = (method, name is null) switch
        {
            ("GET", true) => watch ? "watch" : "list",
            ("GET", false) => watch ? "watch" : "get",
            ("POST", true) => "create",
            ("PUT", false) => "update",
            ("PATCH", false) => "patch",
            ("DELETE", false) => "delete",
            ("DELETE", true) => "deletecollection",
            _ => throw new ApiException(405, "MethodNotAllowed", $"{method} is not allowed on {path}"),
        };
        return new ApiRequest(verb, type, ns, name, subresource);
    }
}
