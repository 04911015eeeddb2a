namespace FineTune.LocalCluster.Runner;

/// <summary>The local kubelet's record of one pod (by uid): its process once started, and whether it was deleted.</summary>
internal sealed class PodRun(string ns, string name, string uid)
{
    private readonly CancellationTokenSource _deleted = new();

    public string Namespace { get; } = ns;

    public string Name { get; } = name;

    public string Uid { get; } = uid;

    public Lock Sync { get; } = new();

    /// <summary>The process, once started.</summary>
    public PodProcess? Process { get; set; }

    /// <summary>The task that starts, watches and reports the pod.</summary>
    public Task Work { get; set; } = Task.CompletedTask;

    /// <summary>Cancelled when the pod is deleted (or the kubelet stops).</summary>
    public CancellationToken Deleted => _deleted.Token;

    /// <summary>Marks the pod deleted and returns its process, if one was started, for stopping.</summary>
    public PodProcess? MarkDeleted()
    {
        lock (Sync)
        {
            if (!_deleted.IsCancellationRequested) _deleted.Cancel();
            return Process;
        }
    }
}
