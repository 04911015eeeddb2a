using System.Text.Json.Nodes;
using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace FineTune.LocalApiServer.Http;

/// <summary>Writes JSON bodies and Status errors.</summary>
public static class HttpResponses
{
    /// <summary>Writes <paramref name="json"/> with <paramref name="status"/>.</summary>
    public static async Task WriteAsync(HttpContext context, int status, ReadOnlyMemory<byte> json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>Writes a JSON node.</summary>
    public static Task WriteAsync(HttpContext context, int status, JsonNode node) =>
        WriteAsync(context, status, System.Text.Encoding.UTF8.GetBytes(node.ToJsonString(JsonFormat.Options)));

    /// <summary>Writes the Status object of <paramref name="error"/>.</summary>
    public static Task WriteErrorAsync(HttpContext context, ApiException error) => WriteAsync(context, error.Code, error.ToStatus());

    /// <summary>The object's JSON as served through <paramref name="asType"/> (its apiVersion rewritten for another version of the same resource).</summary>
    public static byte[] Serialize(StoredObject obj, ResourceType asType)
    {
        if (obj.ApiVersion == asType.ApiVersion) return obj.Json;
        var copy = obj.CloneObject();
        copy["apiVersion"] = asType.ApiVersion;
        return System.Text.Encoding.UTF8.GetBytes(copy.ToJsonString(JsonFormat.Options));
    }
}
