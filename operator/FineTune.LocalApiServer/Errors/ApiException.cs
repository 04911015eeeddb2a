using System.Text.Json.Nodes;

namespace FineTune.LocalApiServer.Errors;

/// <summary>
/// A request the API server refuses, carried to the HTTP layer and written as a Kubernetes <c>Status</c> object
/// (code, reason, message, details with causes), which is what the client turns into an exception.
/// </summary>
public sealed class ApiException : Exception
{
    /// <summary>Creates the error.</summary>
    public ApiException(int code, string reason, string message, string? name = null, string? group = null,
        string? kind = null, IReadOnlyList<StatusCause>? causes = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Name = name;
        Group = group;
        Kind = kind;
        Causes = causes ?? [];
    }

    /// <summary>HTTP status code (404, 409, 422...).</summary>
    public int Code { get; }

    /// <summary>Kubernetes reason (NotFound, AlreadyExists, Conflict, Invalid...).</summary>
    public string Reason { get; }

    /// <summary>Name of the object concerned, when there is one.</summary>
    public string? Name { get; }

    /// <summary>API group of the object concerned.</summary>
    public string? Group { get; }

    /// <summary>Kind (or resource plural) of the object concerned.</summary>
    public string? Kind { get; }

    /// <summary>Field-level causes (for Invalid).</summary>
    public IReadOnlyList<StatusCause> Causes { get; }

    /// <summary>The <c>Status</c> object Kubernetes returns for this error.</summary>
    public JsonObject ToStatus() => StatusObjects.Failure(Code, Reason, Message, Name, Group, Kind, Causes);

    /// <summary>404 NotFound for <paramref name="resource"/> <paramref name="name"/>.</summary>
    public static ApiException NotFound(string group, string resource, string name) =>
        new(404, "NotFound", $"{QualifiedResource(group, resource)} \"{name}\" not found", name, group, resource);

    /// <summary>409 AlreadyExists for a create of a name that is taken.</summary>
    public static ApiException AlreadyExists(string group, string resource, string name) =>
        new(409, "AlreadyExists", $"{QualifiedResource(group, resource)} \"{name}\" already exists", name, group, resource);

    /// <summary>409 Conflict for a write based on a stale resourceVersion or a failed precondition.</summary>
    public static ApiException Conflict(string group, string resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {QualifiedResource(group, resource)} \"{name}\": {why}",
            name, group, resource);

    /// <summary>400 BadRequest.</summary>
    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>422 Invalid with field causes, worded like Kubernetes.</summary>
    public static ApiException Invalid(string group, string kind, string name, IReadOnlyList<StatusCause> causes)
    {
        var kindGroup = string.IsNullOrEmpty(group) ? kind : $"{kind}.{group}";
        var list = string.Join(", ", causes.Select(c => string.IsNullOrEmpty(c.Field) ? c.Message : $"{c.Field}: {c.Message}"));
        return new(422, "Invalid", $"{kindGroup} \"{name}\" is invalid: [{list}]", name, group, kind, causes);
    }

    private static string QualifiedResource(string group, string resource) =>
        string.IsNullOrEmpty(group) ? resource : $"{resource}.{group}";
}
