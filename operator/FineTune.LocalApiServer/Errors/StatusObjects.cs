using System.Text.Json.Nodes;

namespace FineTune.LocalApiServer.Errors;

/// <summary>Builds the <c>meta/v1 Status</c> objects the API server answers with.</summary>
public static class StatusObjects
{
    /// <summary>A failure Status.</summary>
    public static JsonObject Failure(int code, string reason, string message, string? name = null, string? group = null,
        string? kind = null, IReadOnlyList<StatusCause>? causes = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (name is not null || kind is not null || causes is { Count: > 0 })
        {
            var details = new JsonObject();
            if (name is not null) details["name"] = name;
            if (!string.IsNullOrEmpty(group)) details["group"] = group;
            if (kind is not null) details["kind"] = kind;
            if (causes is { Count: > 0 })
            {
                details["causes"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject
                {
                    ["reason"] = c.Reason,
                    ["message"] = c.Message,
                    ["field"] = c.Field,
                }).ToArray());
            }
            status["details"] = details;
        }
        return status;
    }

    /// <summary>The Success Status some deletes return instead of the object.</summary>
    public static JsonObject Success(string name, string group, string kind, string uid) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = kind, ["uid"] = uid },
    };
}
