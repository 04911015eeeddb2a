using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Patching;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Security;
using FineTune.LocalApiServer.Selectors;
using FineTune.LocalApiServer.Storage;
using FineTune.LocalApiServer.Testing;
using Microsoft.AspNetCore.Http;

namespace FineTune.LocalApiServer.Http;

/// <summary>
/// The one HTTP entry point: decodes the request, counts it, applies injected faults, and runs get, list, watch,
/// create, update, patch, delete and deletecollection against the store.
/// </summary>
public sealed class ApiRequestHandler(
    ObjectStore store,
    ResourceRegistry registry,
    ResourceOperations operations,
    WatchStreamWriter watches,
    FaultInjector faults,
    RequestCounter counter,
    LocalApiServerOptions options,
    ServiceAccountTokens tokens,
    RbacAuthorizer authorizer)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<Exception> _internalErrors = new();

    /// <summary>Unexpected exceptions raised while handling requests (answered with 500); empty when all is well.</summary>
    public IReadOnlyCollection<Exception> InternalErrors => _internalErrors;

    /// <summary>Handles one request; <paramref name="serverStopping"/> ends open watches when the listener stops.</summary>
    public async Task HandleAsync(HttpContext context, CancellationToken serverStopping)
    {
        var query = context.Request.Query;
        var isWatch = query["watch"] is var w && (w == "true" || w == "1");
        ApiRequest? request = null;
        try
        {
            var path = context.Request.Path.Value ?? "/";
            if (await TryServeInfoAsync(context, path)) return;
            if (context.Request.Method == "GET" && DiscoveryDocuments.For(registry, path, context.Connection.LocalPort) is { } discovery)
            {
                await HttpResponses.WriteAsync(context, 200, discovery);
                return;
            }
            request = ApiRequestParser.Parse(registry, context.Request.Method, path, isWatch)
                ?? throw new ApiException(404, "NotFound", $"the server could not find the requested resource ({path})");
            counter.Record(request.Verb, request.ResourceLabel);
            if (options.AuthorizeServiceAccounts) Authorize(context, request);
            if (faults.Take(request.Verb, request.ResourceLabel) is { } fault)
            {
                if (fault.Delay > TimeSpan.Zero) await Task.Delay(fault.Delay, context.RequestAborted);
                if (fault.AbortConnection)
                {
                    context.Abort();
                    return;
                }
                if (fault.StatusCode is { } code)
                    throw new ApiException(code, ReasonFor(code), fault.Message ?? $"injected fault: {request.Verb} {request.ResourceLabel} answered {code}");
            }
            await DispatchAsync(context, request, serverStopping);
        }
        catch (ApiException e) when (request?.Verb == "watch" && e.Code == 410)
        {
            await WatchStreamWriter.WriteErrorAsync(context, e);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            await HttpResponses.WriteErrorAsync(context, e);
        }
        catch (JsonException e) when (!context.Response.HasStarted)
        {
            await HttpResponses.WriteErrorAsync(context, ApiException.BadRequest($"the request body is not valid JSON: {e.Message}"));
        }
        catch (InvalidOperationException e) when (!context.Response.HasStarted && e.Source == "System.Text.Json")
        {
            await HttpResponses.WriteErrorAsync(context, ApiException.BadRequest($"the request body has a field of the wrong type: {e.Message}"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _internalErrors.Enqueue(e);
            if (!context.Response.HasStarted)
                await HttpResponses.WriteErrorAsync(context, new ApiException(500, "InternalError", $"the local API server failed: {e.Message}"));
        }
    }

    /// <summary>Requests with a bearer token must be allowed by RBAC; requests without one are the admin's.</summary>
    private void Authorize(HttpContext context, ApiRequest request)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return;
        var who = tokens.Find(header["Bearer ".Length..].Trim())
            ?? throw new ApiException(401, "Unauthorized", "Unauthorized: the bearer token was not issued by this server");
        if (authorizer.Allows(who, request)) return;
        var type = request.Type;
        var subject = request.Name is null ? type.Plural : $"{type.Plural}{(type.Group.Length > 0 ? "." + type.Group : "")} \"{request.Name}\"";
        var where = request.Namespace is null ? "at the cluster scope" : $"in the namespace \"{request.Namespace}\"";
        throw new ApiException(403, "Forbidden",
            $"{subject} is forbidden: User \"{who.UserName}\" cannot {request.Verb} resource \"{request.ResourceLabel}\" in API group \"{type.Group}\" {where}",
            request.Name, type.Group);
    }

    private async Task DispatchAsync(HttpContext context, ApiRequest request, CancellationToken serverStopping)
    {
        var type = request.Type;
        var query = context.Request.Query;
        switch (request.Verb)
        {
            case "get":
            {
                var obj = store.Get(type, request.Namespace, request.Name!) ?? throw ApiException.NotFound(type.Group, type.Plural, request.Name!);
                await HttpResponses.WriteAsync(context, 200, HttpResponses.Serialize(obj, type));
                break;
            }
            case "list":
                await ListAsync(context, request);
                break;
            case "watch":
            {
                var fields = request.Name is null ? query["fieldSelector"].ToString() : $"metadata.name={request.Name}";
                var subscription = store.Watch(type, request.Namespace, LabelSelector.Parse(query["labelSelector"]),
                    FieldSelector.Parse(fields), query["resourceVersion"]);
                using (subscription)
                {
                    var timeout = long.TryParse(query["timeoutSeconds"], out var seconds) && seconds > 0
                        ? TimeSpan.FromSeconds(seconds) : options.DefaultWatchTimeout;
                    var bookmarks = query["allowWatchBookmarks"] == "true";
                    await watches.StreamAsync(context, type, subscription, timeout, bookmarks, serverStopping);
                }
                break;
            }
            case "create":
            {
                var created = operations.Create(type, request.Namespace, await ReadObjectAsync(context));
                await HttpResponses.WriteAsync(context, 201, HttpResponses.Serialize(created, type));
                break;
            }
            case "update":
            {
                var updated = operations.Update(type, request.Namespace, request.Name!, request.Subresource, await ReadObjectAsync(context));
                await HttpResponses.WriteAsync(context, 200, HttpResponses.Serialize(updated, type));
                break;
            }
            case "patch":
            {
                var kind = PatchKindOf(context.Request.ContentType);
                var patch = JsonNode.Parse(await ReadBodyAsync(context));
                var patched = operations.Patch(type, request.Namespace, request.Name!, request.Subresource, kind, patch);
                await HttpResponses.WriteAsync(context, 200, HttpResponses.Serialize(patched, type));
                break;
            }
            case "delete":
            {
                var outcome = store.Delete(type, request.Namespace, request.Name!, await ReadDeleteRequestAsync(context));
                if (outcome.Removed && !type.ReturnsObjectOnDelete)
                    await HttpResponses.WriteAsync(context, 200, StatusObjects.Success(outcome.Object.Name, type.Group, type.Plural, outcome.Object.Uid));
                else
                    await HttpResponses.WriteAsync(context, 200, HttpResponses.Serialize(outcome.Object, type));
                break;
            }
            case "deletecollection":
            {
                var deleteRequest = await ReadDeleteRequestAsync(context);
                var (items, _) = store.List(type, request.Namespace, LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"]));
                var outcomes = new List<StoredObject>();
                foreach (var item in items)
                {
                    try { outcomes.Add(store.Delete(type, item.Namespace, item.Name, deleteRequest).Object); }
                    catch (ApiException e) when (e.Code == 404) { }
                }
                await WriteListAsync(context, type, outcomes, store.CurrentRevision, null, null);
                break;
            }
        }
    }

    private async Task ListAsync(HttpContext context, ApiRequest request)
    {
        var query = context.Request.Query;
        var (items, revision) = store.List(request.Type, request.Namespace,
            LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"]));
        IReadOnlyList<StoredObject> page = items;
        string? next = null;
        long? remaining = null;
        var after = query["continue"].ToString();
        if (after.Length > 0)
        {
            string lastKey;
            try { lastKey = Encoding.UTF8.GetString(Convert.FromBase64String(after)); }
            catch (FormatException) { throw ApiException.BadRequest($"continue token '{after}' is not one this server returned"); }
            page = page.Where(o => string.CompareOrdinal(o.Key, lastKey) > 0).ToList();
        }
        if (long.TryParse(query["limit"], out var limit) && limit > 0 && page.Count > limit)
        {
            remaining = page.Count - limit;
            page = page.Take((int)limit).ToList();
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].Key));
        }
        await WriteListAsync(context, request.Type, page, revision, next, remaining);
    }

    private static async Task WriteListAsync(HttpContext context, ResourceType type, IReadOnlyList<StoredObject> items,
        long revision, string? next, long? remaining)
    {
        var buffer = new MemoryStream();
        var meta = new JsonObject { ["resourceVersion"] = revision.ToString() };
        if (next is not null) meta["continue"] = next;
        if (remaining is not null) meta["remainingItemCount"] = remaining;
        buffer.Write(Encoding.UTF8.GetBytes($"{{\"kind\":\"{type.ListKind}\",\"apiVersion\":\"{type.ApiVersion}\",\"metadata\":{meta.ToJsonString()},\"items\":["));
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) buffer.WriteByte((byte)',');
            buffer.Write(HttpResponses.Serialize(items[i], type));
        }
        buffer.Write("]}"u8);
        await HttpResponses.WriteAsync(context, 200, buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    private static PatchKind PatchKindOf(string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "application/merge-patch+json" => PatchKind.Merge,
            "application/json-patch+json" => PatchKind.Json,
            "application/strategic-merge-patch+json" => PatchKind.StrategicMerge,
            _ => throw new ApiException(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format ('{contentType}') - accepted media types include: " +
                "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"),
        };
    }

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        // Only JSON is spoken here; a protobuf or YAML body gets 415 so the caller can fall back to JSON.
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not null && mediaType != "application/json" && !mediaType.EndsWith("+json", StringComparison.Ordinal))
            throw new ApiException(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format ('{context.Request.ContentType}') - accepted media types include: application/json");
        return JsonNode.Parse(await ReadBodyAsync(context)) as JsonObject
            ?? throw ApiException.BadRequest("the request body must be a JSON object");
    }

    private static async Task<DeleteRequest> ReadDeleteRequestAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var body = await ReadBodyAsync(context);
        var options = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body) as JsonObject;
        var preconditions = options?["preconditions"] as JsonObject;
        string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var policy = Text(options?["propagationPolicy"]) ?? NullIfEmpty(query["propagationPolicy"]);
        var orphan = options?["orphanDependents"] is JsonValue o && o.TryGetValue<bool>(out var b) ? b : (bool?)null;
        if (policy is null && orphan is not null) policy = orphan.Value ? "Orphan" : "Background";
        long? grace = options?["gracePeriodSeconds"] is JsonValue g && g.TryGetValue<long>(out var gs) ? gs
            : long.TryParse(query["gracePeriodSeconds"], out var qs) ? qs : null;
        return new DeleteRequest
        {
            PropagationPolicy = policy,
            PreconditionUid = Text(preconditions?["uid"]),
            PreconditionResourceVersion = Text(preconditions?["resourceVersion"]),
            GracePeriodSeconds = grace,
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static async Task<bool> TryServeInfoAsync(HttpContext context, string path)
    {
        switch (path.TrimEnd('/'))
        {
            case "/version":
                await HttpResponses.WriteAsync(context, 200, new JsonObject
                {
                    ["major"] = "1", ["minor"] = "32", ["gitVersion"] = "v1.32.0-finetune-local", ["platform"] = "linux/amd64",
                });
                return true;
            case "/healthz" or "/readyz" or "/livez":
                await HttpResponses.WriteAsync(context, 200, Encoding.UTF8.GetBytes("ok"));
                return true;
            default:
                return false;
        }
    }

    private static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "Unknown",
    };
}
