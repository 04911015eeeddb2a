using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Storage.Local;
using FineTune.Trainer.Storage.Resilience;
using FineTune.Trainer.Storage.S3;
using Microsoft.Extensions.Logging;

namespace FineTune.Trainer.Storage;

/// <summary>
/// The trainer's one entry point to storage: sends each call to the S3 store or the local store by the location's
/// scheme. Create one per process (it owns the single S3 client).
/// </summary>
public sealed class ObjectStorage : IObjectStore, IDisposable
{
    private readonly LocalObjectStore _local;
    private readonly S3ObjectStore? _s3;

    /// <summary>Creates storage; without <paramref name="s3"/> options, s3:// locations are refused.</summary>
    public ObjectStorage(S3StoreOptions? s3 = null, ILogger? logger = null, IStorageEvents? events = null)
    {
        _local = new LocalObjectStore(events);
        _s3 = s3 is null ? null : new S3ObjectStore(s3, logger, events);
    }

    /// <summary>Storage for a job: S3 when the job has a storage block (credentials from the environment).</summary>
    public static ObjectStorage ForJob(StorageSpec? storage, ILogger? logger = null, IStorageEvents? events = null,
        Func<string, string?>? environment = null) =>
        new(storage is null ? null : S3StoreOptions.FromSpec(storage, environment), logger, events);

    /// <summary>The S3 store, when configured.</summary>
    public S3ObjectStore? S3 => _s3;

    /// <summary>The store that serves <paramref name="uri"/>.</summary>
    /// <exception cref="InvalidOperationException">An s3:// location without a storage block.</exception>
    public IObjectStore For(StorageUri uri) => uri.IsS3
        ? _s3 ?? throw new InvalidOperationException(
            $"'{uri}' is an s3:// URI but the job has no spec.storage.endpoint; add a storage block naming the S3 endpoint")
        : _local;

    /// <inheritdoc />
    public Task<StoredObject?> StatAsync(StorageUri uri, CancellationToken cancellationToken = default) =>
        For(uri).StatAsync(uri, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredObject>> ListAsync(StorageUri prefix, CancellationToken cancellationToken = default) =>
        For(prefix).ListAsync(prefix, cancellationToken);

    /// <inheritdoc />
    public Task<StoredObject> GetToFileAsync(StorageUri uri, string localPath, CancellationToken cancellationToken = default) =>
        For(uri).GetToFileAsync(uri, localPath, cancellationToken);

    /// <inheritdoc />
    public Task<StoredObject> GetToStreamAsync(StorageUri uri, Stream destination, CancellationToken cancellationToken = default) =>
        For(uri).GetToStreamAsync(uri, destination, cancellationToken);

    /// <inheritdoc />
    public Task<StoredObject> PutFromFileAsync(StorageUri uri, string localPath, CancellationToken cancellationToken = default) =>
        For(uri).PutFromFileAsync(uri, localPath, cancellationToken);

    /// <inheritdoc />
    public Task<StoredObject> PutFromStreamAsync(StorageUri uri, Stream source, long length, CancellationToken cancellationToken = default) =>
        For(uri).PutFromStreamAsync(uri, source, length, cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(StorageUri uri, CancellationToken cancellationToken = default) =>
        For(uri).DeleteAsync(uri, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _s3?.Dispose();
}
