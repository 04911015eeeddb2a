using System.Text;
using System.Text.Json.Nodes;
using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace FineTune.LocalApiServer.Http;

/// <summary>
/// Streams a watch the way the Kubernetes API server does: HTTP 200, then one JSON event per line
/// (<c>{"type":"ADDED","object":{...}}</c>), BOOKMARK events while idle when asked for, ERROR events carrying a Status,
/// and a clean end of the response when the timeout passes or the server stops.
/// </summary>
public sealed class WatchStreamWriter(ObjectStore store, LocalApiServerOptions options)
{
    private static readonly byte[] EventStart = "{\"type\":\""u8.ToArray();
    private static readonly byte[] ObjectStart = "\",\"object\":"u8.ToArray();
    private static readonly byte[] EventEnd = "}\n"u8.ToArray();

    /// <summary>Streams events of <paramref name="subscription"/> until timeout, server stop or client disconnect.</summary>
    public async Task StreamAsync(HttpContext context, ResourceType asType, WatchSubscription subscription,
        TimeSpan timeout, bool bookmarks, CancellationToken serverStopping)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);
        cts.CancelAfter(timeout);
        var token = cts.Token;
        await StartAsync(context);
        var body = context.Response.Body;
        var reader = subscription.Events;
        Task<bool>? waiting = null;
        Task? idle = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                while (reader.TryRead(out var change))
                    await WriteEventAsync(body, change.Type, HttpResponses.Serialize(change.Object, asType), token);
                await body.FlushAsync(token);
                waiting ??= reader.WaitToReadAsync(token).AsTask();
                // One idle timer at a time, kept across busy iterations, so a busy watch does not pile up timers.
                idle ??= Task.Delay(options.BookmarkInterval, token);
                if (await Task.WhenAny(waiting, idle) == waiting)
                {
                    if (!await waiting) break;
                    waiting = null;
                }
                else
                {
                    idle = null;
                    if (bookmarks && !token.IsCancellationRequested) await WriteBookmarkAsync(body, asType, subscription, token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, server stop or client gone: the watch ends like any other.
        }
        catch (IOException)
        {
            // The client went away mid-write.
        }
        if (bookmarks && !context.RequestAborted.IsCancellationRequested && !serverStopping.IsCancellationRequested)
        {
            try
            {
                await WriteBookmarkAsync(body, asType, subscription, CancellationToken.None);
                await body.FlushAsync(CancellationToken.None);
            }
            catch (IOException) { }
        }
    }

    /// <summary>Answers a watch that cannot start (410 Expired and the like) with a single ERROR event, as Kubernetes does.</summary>
    public static async Task WriteErrorAsync(HttpContext context, ApiException error)
    {
        await StartAsync(context);
        await WriteEventAsync(context.Response.Body, "ERROR", Encoding.UTF8.GetBytes(error.ToStatus().ToJsonString(JsonFormat.Options)), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static async Task StartAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
    }

    private async Task WriteBookmarkAsync(Stream body, ResourceType asType, WatchSubscription subscription, CancellationToken token)
    {
        if (store.BookmarkRevision(subscription) is not { } revision) return;
        var bookmark = new JsonObject
        {
            ["kind"] = asType.Kind,
            ["apiVersion"] = asType.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString() },
        };
        await WriteEventAsync(body, "BOOKMARK", Encoding.UTF8.GetBytes(bookmark.ToJsonString(JsonFormat.Options)), token);
        await body.FlushAsync(token);
    }

    private static async Task WriteEventAsync(Stream body, string type, byte[] json, CancellationToken token)
    {
        await body.WriteAsync(EventStart, token);
        await body.WriteAsync(Encoding.UTF8.GetBytes(type), token);
        await body.WriteAsync(ObjectStart, token);
        await body.WriteAsync(json, token);
        await body.WriteAsync(EventEnd, token);
    }
}
