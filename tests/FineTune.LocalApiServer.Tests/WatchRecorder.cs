using System.Threading.Channels;
using k8s;
using k8s.Autorest;

namespace FineTune.LocalApiServer.Tests;

/// <summary>
/// Runs a client watch in the background and queues what it yields, so tests can await the next event (with a
/// timeout) instead of sleeping. Errors passed to onError and the end of the stream are recorded too. (The client
/// reads the first line before the call returns, so a watch that ends with no event at all surfaces as an
/// HttpRequestException: recorded as an error, as the operator must treat it as a reconnect.)
/// </summary>
public sealed class WatchRecorder<T, TList> : IAsyncDisposable
{
    private readonly Channel<(WatchEventType Type, T Object)> _events = Channel.CreateUnbounded<(WatchEventType, T)>();
    private readonly Channel<Exception> _errors = Channel.CreateUnbounded<Exception>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts watching: <paramref name="open"/> issues the list request with watch=true.</summary>
    public WatchRecorder(Func<CancellationToken, Task<HttpOperationResponse<TList>>> open)
    {
        _loop = Task.Run(async () =>
        {
            try
            {
                var response = open(_stop.Token);
                // The list-with-watch extension is marked obsolete in this client version, yet it is the one way to pass
                // resourceVersion, bookmarks and timeouts.
#pragma warning disable CS0618
                await foreach (var (type, item) in response.WatchAsync<T, TList>(e => _errors.Writer.TryWrite(e), _stop.Token))
#pragma warning restore CS0618
                    _events.Writer.TryWrite((type, item));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
                _errors.Writer.TryWrite(e);
            }
            finally
            {
                _events.Writer.TryComplete();
            }
        });
    }

    /// <summary>Completes when the stream has ended.</summary>
    public Task Ended => _loop;

    /// <summary>The next event; fails the test when none comes within <paramref name="patience"/>.</summary>
    public async Task<(WatchEventType Type, T Object)> NextAsync(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            return await _events.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no watch event within {patience}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("the watch ended before the expected event");
        }
    }

    /// <summary>The next event that is not a bookmark.</summary>
    public async Task<(WatchEventType Type, T Object)> NextChangeAsync(TimeSpan patience)
    {
        while (true)
        {
            var next = await NextAsync(patience);
            if (next.Type != WatchEventType.Bookmark) return next;
        }
    }

    /// <summary>The next error the client reported; fails the test when none comes within <paramref name="patience"/>.</summary>
    public async Task<Exception> NextErrorAsync(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        return await _errors.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Stops the watch.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
