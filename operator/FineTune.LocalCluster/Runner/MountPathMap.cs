namespace FineTune.LocalCluster.Runner;

/// <summary>
/// Container paths of a pod's mounts mapped to the local directories (or files) that stand in for them. A path at or
/// under a mount point is rewritten by the longest matching mount; any other path is left alone.
/// </summary>
public sealed class MountPathMap
{
    private readonly List<(string Container, string Local)> _mounts = [];

    /// <summary>Adds a mount: <paramref name="containerPath"/> in the pod is <paramref name="localPath"/> here.</summary>
    public void Add(string containerPath, string localPath)
    {
        var normalized = Normalize(containerPath);
        _mounts.RemoveAll(m => m.Container == normalized);
        _mounts.Add((normalized, localPath));
        // Longest first, so /etc/finetune/extra wins over /etc/finetune.
        _mounts.Sort((a, b) => b.Container.Length.CompareTo(a.Container.Length));
    }

    /// <summary>The mounts, longest container path first.</summary>
    public IReadOnlyList<(string Container, string Local)> Mounts => _mounts;

    /// <summary><paramref name="value"/> with a leading mounted path replaced by its local path; unchanged otherwise.</summary>
    public string Map(string value)
    {
        if (!value.StartsWith('/')) return value;
        foreach (var (container, local) in _mounts)
        {
            if (value == container || value == container + "/") return local;
            if (value.StartsWith(container + "/", StringComparison.Ordinal))
                return Path.Combine(local, value[(container.Length + 1)..]);
        }
        return value;
    }

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
