using FineTune.Operator.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace FineTune.Operator.Tests.Runtime;

public class WorkQueueTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static async Task<string?> Take(WorkQueue<string> queue, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Wait);
        return await queue.GetAsync(cts.Token);
    }

    [Fact]
    public async Task A_key_added_twice_is_handed_out_once()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("ml/a");
        queue.Add("ml/a");
        queue.Add("ml/b");
        Assert.Equal(2, queue.Depth);
        Assert.Equal("ml/a", await Take(queue));
        Assert.Equal("ml/b", await Take(queue));
        Assert.Null(await Take(queue, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task A_key_in_progress_is_not_handed_to_a_second_worker_but_requeued_when_done()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("ml/a");
        var first = await Take(queue);
        queue.Add("ml/a");
        Assert.Equal(0, queue.Depth);
        Assert.Null(await Take(queue, TimeSpan.FromMilliseconds(100)));
        queue.Done(first!);
        Assert.Equal("ml/a", await Take(queue));
    }

    [Fact]
    public async Task Delayed_add_fires_after_the_delay_and_the_earliest_delay_wins()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time);
        queue.AddAfter("ml/a", TimeSpan.FromSeconds(30));
        queue.AddAfter("ml/a", TimeSpan.FromSeconds(10));
        queue.AddAfter("ml/a", TimeSpan.FromSeconds(20));
        Assert.Equal(1, queue.DelayedCount);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, queue.Depth);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Depth);
        Assert.Equal("ml/a", await Take(queue));
        queue.Done("ml/a");
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task Latency_is_the_time_a_key_waited()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time);
        TimeSpan? waited = null;
        queue.Dequeued += latency => waited = latency;
        queue.Add("ml/a");
        time.Advance(TimeSpan.FromMilliseconds(250));
        await Take(queue);
        Assert.Equal(TimeSpan.FromMilliseconds(250), waited);
    }

    [Fact]
    public async Task Shut_down_releases_waiting_workers()
    {
        using var queue = new WorkQueue<string>();
        var waiting = queue.GetAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        queue.ShutDown();
        Assert.Null(await waiting.WaitAsync(Wait));
        queue.Add("ml/a");
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task Parallel_workers_never_process_the_same_key_at_once()
    {
        using var queue = new WorkQueue<string>();
        var inFlight = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var overlaps = 0;
        var processed = 0;
        using var cts = new CancellationTokenSource(Wait);
        async Task Worker()
        {
            while (await queue.GetAsync(cts.Token) is { } key)
            {
                if (inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
                    Interlocked.Increment(ref overlaps);
                await Task.Yield();
                inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
                queue.Done(key);
                if (Interlocked.Increment(ref processed) >= 200)
                    queue.ShutDown();
            }
        }
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(Worker)).ToList();
        for (var i = 0; i < 2000 && !cts.IsCancellationRequested && Volatile.Read(ref processed) < 200; i++)
        {
            queue.Add($"ml/{i % 3}");
            await Task.Yield();
        }
        queue.ShutDown();
        await Task.WhenAll(workers);
        Assert.Equal(0, overlaps);
    }
}
