using System.Security.Cryptography;
using System.Text;

namespace FineTune.Trainer.Storage.Caching;

/// <summary>
/// A local copy of remote objects, keyed by location and ETag: a second download of an unchanged object (a base
/// model, a dataset) costs one stat; a changed object (new ETag) is downloaded again. Local locations are used in
/// place. Entries appear complete or not at all (written beside, then renamed).
/// </summary>
public sealed class DownloadCache
{
    private const string CompleteMarker = ".complete";
    private readonly IObjectStore _store;
    private long _hits;
    private long _misses;

    /// <summary>Creates a cache in <paramref name="directory"/> (created when missing).</summary>
    public DownloadCache(IObjectStore store, string directory)
    {
        _store = store;
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>Where the cache keeps its files.</summary>
    public string Directory { get; }

    /// <summary>Objects served from the cache so far.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Objects downloaded so far.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>A local file holding the current content of <paramref name="uri"/>.</summary>
    /// <exception cref="StorageException">The object does not exist or cannot be read.</exception>
    public async Task<string> GetFileAsync(StorageUri uri, CancellationToken cancellationToken = default)
    {
        if (!uri.IsS3)
        {
            if (!File.Exists(uri.Key))
                throw new StorageException($"storage get of {uri} failed: the file does not exist",
                    StorageOperation.Get, "local", uri, StorageErrorKind.NotFound);
            return uri.Key;
        }

        var stat = await _store.StatAsync(uri, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageException($"storage get of {uri} failed: the object does not exist",
                StorageOperation.Get, "s3", uri, StorageErrorKind.NotFound);
        return await GetFileAsync(stat, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A local directory holding every object under <paramref name="prefix"/> (a model or dataset folder), with the
    /// same relative paths. Reused while no object under the prefix changed.
    /// </summary>
    public async Task<string> GetDirectoryAsync(StorageUri prefix, CancellationToken cancellationToken = default)
    {
        if (!prefix.IsS3)
        {
            if (!System.IO.Directory.Exists(prefix.Key))
                throw new StorageException($"storage list of {prefix} failed: the directory does not exist",
                    StorageOperation.List, "local", prefix, StorageErrorKind.NotFound);
            return prefix.Key.TrimEnd('/');
        }

        var asPrefix = prefix.AsPrefix();
        var objects = await _store.ListAsync(asPrefix, cancellationToken).ConfigureAwait(false);
        if (objects.Count == 0)
            throw new StorageException($"storage list of {asPrefix} failed: no objects under this prefix",
                StorageOperation.List, "s3", asPrefix, StorageErrorKind.NotFound);

        // The directory's identity is every (path, ETag, size) under it: any change gives a new directory.
        var fingerprint = new StringBuilder();
        foreach (var item in objects)
            fingerprint.Append(asPrefix.RelativePathOf(item.Uri)).Append('\n').Append(item.ETag).Append('\n').Append(item.Size).Append('\n');
        var target = Path.Combine(Directory, "dirs", Hash(asPrefix.ToString()), Hash(fingerprint.ToString()));
        if (File.Exists(Path.Combine(target, CompleteMarker)))
        {
            Interlocked.Add(ref _hits, objects.Count);
            return target;
        }

        System.IO.Directory.CreateDirectory(target);
        foreach (var item in objects)
        {
            var local = ObjectStoreDirectoryExtensions.LocalPathFor(target, asPrefix.RelativePathOf(item.Uri));
            var cached = await GetFileAsync(item, cancellationToken).ConfigureAwait(false);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            if (!File.Exists(local)) LinkOrCopy(cached, local);
        }

        await File.WriteAllTextAsync(Path.Combine(target, CompleteMarker), asPrefix.ToString(), cancellationToken).ConfigureAwait(false);
        return target;
    }

    private async Task<string> GetFileAsync(StoredObject stat, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory, "objects", Hash(stat.Uri.ToString()), Hash(stat.ETag), SafeName(stat.Uri.Name));
        var existing = new FileInfo(path);
        if (existing.Exists && existing.Length == stat.Size)
        {
            Interlocked.Increment(ref _hits);
            return path;
        }

        Interlocked.Increment(ref _misses);
        var downloaded = await _store.GetToFileAsync(stat.Uri, path, cancellationToken).ConfigureAwait(false);
        if (downloaded.ETag != stat.ETag)
        {
            // Changed between stat and download: keep the file under the tag it really has.
            var actual = Path.Combine(Directory, "objects", Hash(stat.Uri.ToString()), Hash(downloaded.ETag), SafeName(stat.Uri.Name));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(actual)!);
            File.Move(path, actual, overwrite: true);
            return actual;
        }

        return path;
    }

    private static void LinkOrCopy(string source, string target)
    {
        // A symbolic link costs no space and keeps one copy per object version; fall back to a copy where links are refused.
        try
        {
            File.CreateSymbolicLink(target, source);
        }
        catch (IOException)
        {
            File.Copy(source, target, overwrite: true);
        }
    }

    private static string SafeName(string name) => name.Length == 0 ? "object" : string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
