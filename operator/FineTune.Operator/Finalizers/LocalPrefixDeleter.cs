namespace FineTune.Operator.Finalizers;

/// <summary>
/// Deletes run directories of file:// and path outputs. The operator can only reach them when it shares the
/// filesystem with the trainers (the local cluster mode); a prefix whose output directory it cannot see is reported
/// as unreachable and left alone rather than blocking the deletion forever.
/// </summary>
public static class LocalPrefixDeleter
{
    /// <summary>Deletes each run directory; returns (files deleted, prefixes that were not reachable).</summary>
    public static (int Files, List<string> Unreachable) Delete(IReadOnlyList<RunOutputPrefix> prefixes)
    {
        var files = 0;
        var unreachable = new List<string>();
        foreach (var prefix in prefixes)
        {
            var directory = new DirectoryInfo(prefix.Key);
            if (!directory.Exists)
            {
                // The run never wrote here, or the operator does not see this filesystem.
                if (directory.Parent is not { Exists: true })
                    unreachable.Add(prefix.Uri);
                continue;
            }
            try
            {
                files += directory.EnumerateFiles("*", SearchOption.AllDirectories).Count();
                directory.Delete(recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutputCleanupException($"deleting {prefix.Uri} ({prefix.Key}) failed: {ex.Message}", ex);
            }
        }
        return (files, unreachable);
    }
}
