using System.Buffers;
using FineTune.Trainer.Storage.Local;
using FineTune.Trainer.Storage.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Minio;
using Minio.DataModel;
using Minio.DataModel.Args;
using Minio.Exceptions;

namespace FineTune.Trainer.Storage.S3;

/// <summary>
/// Objects in one S3-compatible endpoint through the Minio SDK. One instance (one SDK client: it is thread-safe and
/// must not be disposed per call) per endpoint. Works around the SDK's known gaps: downloads are whole-object GETs
/// (its ranged GETs fail), streamed through the two-argument callback (the one-argument one truncates), checked
/// against the object size; uploads pass their exact size (or -1); retries are ours, the SDK has none.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private const int CopyBufferSize = 1 << 20;
    private readonly IMinioClient _client;
    private readonly RetryExecutor _retry;
    private readonly IStorageEvents _events;

    /// <summary>Creates the store and its SDK client.</summary>
    public S3ObjectStore(S3StoreOptions options, ILogger? logger = null, IStorageEvents? events = null, TimeProvider? time = null)
    {
        Endpoint = options.Endpoint.GetLeftPart(UriPartial.Authority);
        _events = events ?? NoStorageEvents.Instance;
        var redactor = new SecretRedactor(options.Credentials?.SecretKey);
        var classifier = new S3ErrorClassifier(redactor);
        _retry = new RetryExecutor(options.Retry, Endpoint, classifier.Classify, logger ?? NullLogger.Instance, _events, time);

        var client = new MinioClient()
            .WithEndpoint(options.Endpoint.Host, options.Endpoint.Port)
            .WithSSL(options.Endpoint.Scheme == Uri.UriSchemeHttps)
            .WithRegion(options.Region)
            .WithTimeout((int)Math.Min(int.MaxValue, options.RequestTimeout.TotalMilliseconds));
        if (options.Credentials is { } credentials)
            client = client.WithCredentials(credentials.AccessKey, credentials.SecretKey);
        _client = client.Build();
    }

    /// <summary>The endpoint (scheme, host and port) named in errors.</summary>
    public string Endpoint { get; }

    /// <summary>Creates <paramref name="bucket"/> when it does not exist (tests, benchmarks and local runs).</summary>
    public Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken = default) =>
        _retry.RunAsync(StorageOperation.Put, StorageUri.S3(bucket, ""), async (_, token) =>
        {
            if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket), token).ConfigureAwait(false))
                await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket), token).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<StoredObject?> StatAsync(StorageUri uri, CancellationToken cancellationToken = default)
    {
        RequireS3(uri);
        return _retry.RunAsync(StorageOperation.Stat, uri, async (_, token) =>
        {
            try
            {
                var stat = await _client.StatObjectAsync(
                    new StatObjectArgs().WithBucket(uri.Bucket).WithObject(uri.Key), token).ConfigureAwait(false);
                return (StoredObject?)ToStored(uri, stat);
            }
            catch (ObjectNotFoundException)
            {
                return null;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredObject>> ListAsync(StorageUri prefix, CancellationToken cancellationToken = default)
    {
        RequireS3(prefix);
        // The SDK has no paging options; it follows continuation tokens itself. A failed listing restarts whole.
        return _retry.RunAsync(StorageOperation.List, prefix, async (_, token) =>
        {
            var items = new List<StoredObject>();
            var args = new ListObjectsArgs().WithBucket(prefix.Bucket).WithPrefix(prefix.Key).WithRecursive(true);
            await foreach (var item in _client.ListObjectsEnumAsync(args, token).ConfigureAwait(false))
            {
                if (item.IsDir) continue;
                items.Add(new StoredObject(StorageUri.S3(prefix.Bucket, item.Key), (long)item.Size, TrimETag(item.ETag),
                    item.LastModifiedDateTime is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : DateTimeOffset.MinValue));
            }

            items.Sort((a, b) => string.CompareOrdinal(a.Uri.Key, b.Uri.Key));
            return (IReadOnlyList<StoredObject>)items;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StoredObject> GetToFileAsync(StorageUri uri, string localPath, CancellationToken cancellationToken = default)
    {
        RequireS3(uri);
        var full = Path.GetFullPath(localPath);
        var temporary = LocalFiles.TemporaryPathBeside(full);
        try
        {
            StoredObject stored;
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, CopyBufferSize, FileOptions.Asynchronous))
            {
                stored = await GetToStreamAsync(uri, file, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, full, overwrite: true);
            return stored;
        }
        finally
        {
            LocalFiles.DeleteQuietly(temporary);
        }
    }

    /// <inheritdoc />
    public Task<StoredObject> GetToStreamAsync(StorageUri uri, Stream destination, CancellationToken cancellationToken = default)
    {
        RequireS3(uri);
        var start = destination.CanSeek ? destination.Position : -1;
        long written = 0;
        return _retry.RunAsync(StorageOperation.Get, uri, async (attempt, token) =>
        {
            if (attempt > 1)
            {
                if (start >= 0)
                {
                    destination.Position = start;
                    destination.SetLength(start);
                }
                else if (written > 0)
                {
                    throw _retry.ToException(StorageOperation.Get, uri, new StorageFailure(StorageErrorKind.Unavailable,
                        $"the transfer broke after {written} bytes and the destination stream cannot be rewound"), attempt - 1);
                }
            }

            written = 0;
            // Whole-object GET only: the SDK's ranged GETs throw on a correct 206 response.
            var args = new GetObjectArgs().WithBucket(uri.Bucket).WithObject(uri.Key)
                .WithCallbackStream(async (body, callbackToken) =>
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
                    try
                    {
                        int read;
                        while ((read = await body.ReadAsync(buffer.AsMemory(0, CopyBufferSize), callbackToken).ConfigureAwait(false)) > 0)
                        {
                            await destination.WriteAsync(buffer.AsMemory(0, read), callbackToken).ConfigureAwait(false);
                            written += read;
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                });
            var stat = await _client.GetObjectAsync(args, token).ConfigureAwait(false);
            if (written != stat.Size)
                throw new IOException($"short read: received {written} of {stat.Size} bytes");
            await destination.FlushAsync(token).ConfigureAwait(false);
            _events.Transferred(StorageOperation.Get, written);
            return ToStored(uri, stat);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredObject> PutFromFileAsync(StorageUri uri, string localPath, CancellationToken cancellationToken = default)
    {
        RequireS3(uri);
        return _retry.RunAsync(StorageOperation.Put, uri, async (_, token) =>
        {
            await using var file = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return await PutOnceAsync(uri, file, file.Length, token).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredObject> PutFromStreamAsync(StorageUri uri, Stream source, long length, CancellationToken cancellationToken = default)
    {
        RequireS3(uri);
        var start = source.CanSeek ? source.Position : -1;
        return _retry.RunAsync(StorageOperation.Put, uri, async (attempt, token) =>
        {
            if (attempt > 1)
            {
                if (start < 0)
                    throw _retry.ToException(StorageOperation.Put, uri, new StorageFailure(StorageErrorKind.Unavailable,
                        "the upload broke and the source stream cannot be rewound"), attempt - 1);
                source.Position = start;
            }

            return await PutOnceAsync(uri, source, length, token).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(StorageUri uri, CancellationToken cancellationToken = default)
    {
        RequireS3(uri);
        return _retry.RunAsync(StorageOperation.Delete, uri, async (_, token) =>
        {
            await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(uri.Bucket).WithObject(uri.Key), token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => (_client as IDisposable)?.Dispose();

    private async Task<StoredObject> PutOnceAsync(StorageUri uri, Stream source, long length, CancellationToken token)
    {
        // The size must be exact (or -1): a wrong size corrupts the object or fails late. Above 5 MiB the SDK
        // uploads in parts, so memory stays bounded by a few parts.
        var args = new PutObjectArgs().WithBucket(uri.Bucket).WithObject(uri.Key)
            .WithStreamData(source).WithObjectSize(length).WithContentType("application/octet-stream");
        var response = await _client.PutObjectAsync(args, token).ConfigureAwait(false);
        var size = length >= 0 ? length : response.Size;
        _events.Transferred(StorageOperation.Put, size);
        return new StoredObject(uri, size, TrimETag(response.Etag), DateTimeOffset.UtcNow);
    }

    private static StoredObject ToStored(StorageUri uri, ObjectStat stat) =>
        new(uri, stat.Size, TrimETag(stat.ETag), new DateTimeOffset(DateTime.SpecifyKind(stat.LastModified, DateTimeKind.Utc)));

    private static string TrimETag(string? etag) => (etag ?? "").Trim('"');

    private static void RequireS3(StorageUri uri)
    {
        if (!uri.IsS3) throw new ArgumentException($"'{uri}' is not an s3:// location", nameof(uri));
    }
}
