namespace FineTune.Trainer.Storage;

/// <summary>Copying whole directories between the local disk and a store, a few files at a time.</summary>
public static class ObjectStoreDirectoryExtensions
{
    /// <summary>
    /// Uploads every file under <paramref name="localDirectory"/> to <paramref name="prefix"/>, keeping relative paths.
    /// </summary>
    /// <returns>The uploaded objects, sorted by key.</returns>
    public static async Task<IReadOnlyList<StoredObject>> UploadDirectoryAsync(this IObjectStore store, string localDirectory,
        StorageUri prefix, int parallelism = 4, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(localDirectory);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"directory '{root}' does not exist");
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var results = new StoredObject[files.Count];
        await Parallel.ForAsync(0, files.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var relative = Path.GetRelativePath(root, files[i]).Replace(Path.DirectorySeparatorChar, '/');
                results[i] = await store.PutFromFileAsync(prefix.Append(relative), files[i], token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// Downloads every object under <paramref name="prefix"/> into <paramref name="localDirectory"/>, keeping relative
    /// paths.
    /// </summary>
    /// <returns>The downloaded objects, sorted by key.</returns>
    public static async Task<IReadOnlyList<StoredObject>> DownloadDirectoryAsync(this IObjectStore store, StorageUri prefix,
        string localDirectory, int parallelism = 4, CancellationToken cancellationToken = default)
    {
        var asPrefix = prefix.AsPrefix();
        var objects = await store.ListAsync(asPrefix, cancellationToken).ConfigureAwait(false);
        var root = Path.GetFullPath(localDirectory);
        Directory.CreateDirectory(root);
        var results = new StoredObject[objects.Count];
        await Parallel.ForAsync(0, objects.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var target = LocalPathFor(root, asPrefix.RelativePathOf(objects[i].Uri));
                results[i] = await store.GetToFileAsync(objects[i].Uri, target, token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// The local path for a relative key under <paramref name="root"/>; refuses keys that would escape it ("../").
    /// </summary>
    public static string LocalPathFor(string root, string relativeKey)
    {
        var target = Path.GetFullPath(Path.Combine(root, relativeKey));
        var rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!target.StartsWith(rootWithSeparator, StringComparison.Ordinal))
            throw new InvalidDataException($"object key '{relativeKey}' points outside the directory '{root}'");
        return target;
    }
}
