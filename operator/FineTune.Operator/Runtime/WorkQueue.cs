namespace FineTune.Operator.Runtime;

/// <summary>
/// The controller work queue (client-go's semantics): a key is queued at most once; a key being processed is never
/// handed to a second worker, and one added meanwhile is queued again when the first worker calls <see cref="Done"/>;
/// delayed adds keep only the earliest due time per key.
/// </summary>
/// <typeparam name="TKey">Work item key (namespace/name).</typeparam>
public sealed class WorkQueue<TKey> : IDisposable where TKey : notnull
{
    private readonly Lock gate = new();
    private readonly Queue<TKey> queue = new();
    private readonly HashSet<TKey> dirty = new();
    private readonly HashSet<TKey> processing = new();
    private readonly Dictionary<TKey, long> enqueuedAt = new();
    private readonly Dictionary<TKey, (DateTimeOffset Due, ITimer Timer)> delayed = new();
    private readonly SemaphoreSlim available = new(0);
    private readonly CancellationTokenSource stopping = new();
    private readonly TimeProvider time;
    private bool shutDown;

    /// <summary>A queue on <paramref name="time"/> (delays and latency are measured with it).</summary>
    public WorkQueue(TimeProvider? time = null) => this.time = time ?? TimeProvider.System;

    /// <summary>Raised when a worker takes a key, with the time it waited in the queue.</summary>
    public event Action<TimeSpan>? Dequeued;

    /// <summary>Keys waiting for a worker.</summary>
    public int Depth { get { lock (gate) return queue.Count; } }

    /// <summary>Keys waiting for their delay.</summary>
    public int DelayedCount { get { lock (gate) return delayed.Count; } }

    /// <summary>Queues <paramref name="key"/> now (no-op when it is already queued).</summary>
    public void Add(TKey key)
    {
        lock (gate)
        {
            if (shutDown || !dirty.Add(key))
                return;
            enqueuedAt[key] = time.GetTimestamp();
            if (processing.Contains(key))
                return; // queued again by Done
            queue.Enqueue(key);
        }
        available.Release();
    }

    /// <summary>Queues <paramref name="key"/> after <paramref name="delay"/>; an earlier pending delay for the key wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (gate)
        {
            if (shutDown)
                return;
            var due = time.GetUtcNow() + delay;
            if (delayed.TryGetValue(key, out var pending))
            {
                if (pending.Due <= due)
                    return;
                pending.Timer.Dispose();
            }
            var timer = time.CreateTimer(_ => Fire(key, due), null, delay, Timeout.InfiniteTimeSpan);
            delayed[key] = (due, timer);
        }
    }

    private void Fire(TKey key, DateTimeOffset due)
    {
        lock (gate)
        {
            if (!delayed.TryGetValue(key, out var pending) || pending.Due != due)
                return;
            delayed.Remove(key);
            pending.Timer.Dispose();
        }
        Add(key);
    }

    /// <summary>Waits for a key and marks it as processing; null once the queue is shut down or <paramref name="cancellationToken"/> fires.</summary>
    public async Task<TKey?> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token);
                await available.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return default;
            }
            TKey key;
            long since;
            lock (gate)
            {
                if (shutDown)
                    return default;
                if (queue.Count == 0)
                    continue;
                key = queue.Dequeue();
                processing.Add(key);
                dirty.Remove(key);
                enqueuedAt.Remove(key, out since);
            }
            Dequeued?.Invoke(time.GetElapsedTime(since));
            return key;
        }
    }

    /// <summary>Marks <paramref name="key"/> as processed; it is queued again when it was added meanwhile.</summary>
    public void Done(TKey key)
    {
        bool requeue;
        lock (gate)
        {
            processing.Remove(key);
            requeue = dirty.Contains(key) && !shutDown;
            if (requeue)
                queue.Enqueue(key);
        }
        if (requeue)
            available.Release();
    }

    /// <summary>Stops handing out keys: waiting workers get null, pending delays are dropped.</summary>
    public void ShutDown()
    {
        lock (gate)
        {
            if (shutDown)
                return;
            shutDown = true;
            foreach (var (_, pending) in delayed)
                pending.Timer.Dispose();
            delayed.Clear();
        }
        stopping.Cancel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ShutDown();
        available.Dispose();
        stopping.Dispose();
    }
}
