using System.Globalization;
using FineTune.Trainer.Storage.Resilience;

namespace FineTune.Trainer.Storage.Local;

/// <summary>
/// Objects as files on the local file system (file:// URIs and plain paths). Writes go to a temporary file beside the
/// target and are renamed into place, so a reader sees an object complete or not at all, as with S3.
/// </summary>
public sealed class LocalObjectStore : IObjectStore
{
    private const int CopyBufferSize = 1 << 20;
    private readonly IStorageEvents _events;

    /// <summary>Creates the store.</summary>
    public LocalObjectStore(IStorageEvents? events = null) => _events = events ?? NoStorageEvents.Instance;

    /// <inheritdoc />
    public Task<StoredObject?> StatAsync(StorageUri uri, CancellationToken cancellationToken = default)
    {
        RequireLocal(uri);
        var info = new FileInfo(uri.Key);
        return Task.FromResult(info.Exists ? ToStored(uri, info) : null);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredObject>> ListAsync(StorageUri prefix, CancellationToken cancellationToken = default)
    {
        RequireLocal(prefix);
        // An S3 prefix need not end at a '/': "a/step-1" matches "a/step-1/x" and "a/step-10/x". Search from the
        // directory part and filter by the full prefix.
        var key = prefix.Key;
        var directory = key.EndsWith('/') ? key : Path.GetDirectoryName(key) ?? "/";
        var items = new List<StoredObject>();
        if (Directory.Exists(directory))
        {
            foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!path.StartsWith(key, StringComparison.Ordinal) || LocalFiles.IsTemporary(Path.GetFileName(path))) continue;
                items.Add(ToStored(StorageUri.Local(path), new FileInfo(path)));
            }
        }

        items.Sort((a, b) => string.CompareOrdinal(a.Uri.Key, b.Uri.Key));
        return Task.FromResult((IReadOnlyList<StoredObject>)items);
    }

    /// <inheritdoc />
    public async Task<StoredObject> GetToFileAsync(StorageUri uri, string localPath, CancellationToken cancellationToken = default)
    {
        RequireLocal(uri);
        var source = RequireExisting(uri, StorageOperation.Get);
        var target = Path.GetFullPath(localPath);
        if (target == source.FullName) return ToStored(uri, source);
        await using var input = OpenRead(source.FullName);
        await WriteAtomicallyAsync(target, input, cancellationToken).ConfigureAwait(false);
        _events.Transferred(StorageOperation.Get, source.Length);
        return ToStored(uri, source);
    }

    /// <inheritdoc />
    public async Task<StoredObject> GetToStreamAsync(StorageUri uri, Stream destination, CancellationToken cancellationToken = default)
    {
        RequireLocal(uri);
        var source = RequireExisting(uri, StorageOperation.Get);
        await using var input = OpenRead(source.FullName);
        await input.CopyToAsync(destination, CopyBufferSize, cancellationToken).ConfigureAwait(false);
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        _events.Transferred(StorageOperation.Get, source.Length);
        return ToStored(uri, source);
    }

    /// <inheritdoc />
    public async Task<StoredObject> PutFromFileAsync(StorageUri uri, string localPath, CancellationToken cancellationToken = default)
    {
        RequireLocal(uri);
        await using var input = OpenRead(localPath);
        return await PutFromStreamAsync(uri, input, input.Length, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StoredObject> PutFromStreamAsync(StorageUri uri, Stream source, long length, CancellationToken cancellationToken = default)
    {
        RequireLocal(uri);
        if (uri.IsPrefix) throw new ArgumentException($"'{uri}' names a directory, not a file", nameof(uri));
        await WriteAtomicallyAsync(uri.Key, source, cancellationToken).ConfigureAwait(false);
        var info = new FileInfo(uri.Key);
        if (length >= 0 && info.Length != length)
        {
            File.Delete(uri.Key);
            throw new StorageException($"storage put of {uri} failed: the source gave {info.Length} bytes, {length} were announced",
                StorageOperation.Put, "local", uri, StorageErrorKind.Rejected);
        }

        _events.Transferred(StorageOperation.Put, info.Length);
        return ToStored(uri, info);
    }

    /// <inheritdoc />
    public Task DeleteAsync(StorageUri uri, CancellationToken cancellationToken = default)
    {
        RequireLocal(uri);
        if (File.Exists(uri.Key)) File.Delete(uri.Key);
        RemoveEmptyParent(uri.Key);
        return Task.CompletedTask;
    }

    private static async Task WriteAtomicallyAsync(string target, Stream input, CancellationToken cancellationToken)
    {
        var temporary = LocalFiles.TemporaryPathBeside(target);
        try
        {
            await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous))
            {
                await input.CopyToAsync(output, CopyBufferSize, cancellationToken).ConfigureAwait(false);
                // Durable before it becomes visible: a crash after the rename must not leave an empty file.
                output.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            LocalFiles.DeleteQuietly(temporary);
        }
    }

    private static void RemoveEmptyParent(string path)
    {
        // Tidy the one directory a delete emptied (checkpoint step directories), nothing above it.
        var directory = Path.GetDirectoryName(path);
        try
        {
            if (directory is not null && Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
                Directory.Delete(directory);
        }
        catch (IOException)
        {
        }
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);

    private static FileInfo RequireExisting(StorageUri uri, StorageOperation operation)
    {
        var info = new FileInfo(uri.Key);
        if (!info.Exists)
            throw new StorageException($"storage {operation.ToString().ToLowerInvariant()} of {uri} failed: the file does not exist",
                operation, "local", uri, StorageErrorKind.NotFound);
        return info;
    }

    private static StoredObject ToStored(StorageUri uri, FileInfo info) =>
        new(uri, info.Length,
            // Size and modification time stand in for an ETag: both change when the file is rewritten.
            string.Create(CultureInfo.InvariantCulture, $"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}"),
            new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));

    private static void RequireLocal(StorageUri uri)
    {
        if (uri.IsS3) throw new ArgumentException($"'{uri}' is not a local path", nameof(uri));
    }
}
