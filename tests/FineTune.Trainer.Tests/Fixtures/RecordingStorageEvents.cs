using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Resilience;

namespace FineTune.Trainer.Tests.Fixtures;

/// <summary>Storage events recorded for assertions, with a way to wait for the n-th retry.</summary>
public sealed class RecordingStorageEvents : IStorageEvents
{
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    /// <summary>Retries seen so far.</summary>
    public int Retries { get; private set; }

    /// <summary>Final failures seen so far.</summary>
    public int Failures { get; private set; }

    /// <summary>Completes when at least <paramref name="count"/> retries were seen.</summary>
    public Task RetriesReached(int count)
    {
        lock (_gate)
        {
            if (Retries >= count) return Task.CompletedTask;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, waiter));
            return waiter.Task;
        }
    }

    /// <inheritdoc />
    public void Retrying(StorageOperation operation, StorageUri location, int attempt, TimeSpan delay, StorageFailure failure)
    {
        lock (_gate)
        {
            Retries++;
            foreach (var waiter in _waiters.Where(w => w.Count <= Retries).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <inheritdoc />
    public void Failed(StorageOperation operation, StorageUri location, StorageFailure failure)
    {
        lock (_gate) Failures++;
    }

    /// <inheritdoc />
    public void Transferred(StorageOperation operation, long bytes) { }
}
