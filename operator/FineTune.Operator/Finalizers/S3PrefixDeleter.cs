using FineTune.Api.V1Alpha1;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;

namespace FineTune.Operator.Finalizers;

/// <summary>
/// Deletes every object under S3 prefixes through the Minio SDK: endpoint, TLS (https) and region from spec.storage,
/// keys from the job's Secret. Objects are listed, then deleted one by one.
/// </summary>
public static class S3PrefixDeleter
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Deletes what lies under each of <paramref name="prefixes"/>; returns the number of objects deleted.</summary>
    public static async Task<int> DeleteAsync(StorageSpec storage, StorageCredentials? credentials,
        IReadOnlyList<RunOutputPrefix> prefixes, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(storage.Endpoint);
        var builder = new MinioClient()
            .WithEndpoint(endpoint.Host, endpoint.Port)
            .WithSSL(endpoint.Scheme == Uri.UriSchemeHttps)
            .WithTimeout((int)RequestTimeout.TotalMilliseconds);
        if (!string.IsNullOrEmpty(storage.Region))
            builder = builder.WithRegion(storage.Region);
        if (credentials is not null)
            builder = builder.WithCredentials(credentials.AccessKey, credentials.SecretKey);
        using var client = builder.Build();

        var deleted = 0;
        foreach (var prefix in prefixes)
        {
            try
            {
                deleted += await DeletePrefixAsync(client, prefix, cancellationToken).ConfigureAwait(false);
            }
            // The SDK throws exceptions of several unrelated types (AuthorizationException is no MinioException).
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                throw new OutputCleanupException($"deleting {prefix.Uri} at {endpoint.GetLeftPart(UriPartial.Authority)} failed: {Describe(ex)}", ex);
            }
        }
        return deleted;
    }

    private static async Task<int> DeletePrefixAsync(IMinioClient client, RunOutputPrefix prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var list = new ListObjectsArgs().WithBucket(prefix.Bucket).WithPrefix(prefix.Key).WithRecursive(true);
        await foreach (var item in client.ListObjectsEnumAsync(list, cancellationToken).ConfigureAwait(false))
            if (!item.IsDir)
                keys.Add(item.Key);
        // One DELETE per object, in order: every S3-compatible server has it (multi-object delete is missing or broken
        // in some; s3rver answers it with InternalError, and concurrent deletes in one directory race in it). A run
        // holds tens of objects, so this stays quick.
        foreach (var key in keys)
            await client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(prefix.Bucket).WithObject(key), cancellationToken).ConfigureAwait(false);
        return keys.Count;
    }

    private static string Describe(Exception ex) => ex switch
    {
        AuthorizationException or AccessDeniedException => "access denied (check the keys in spec.storage.credentialsSecret)",
        BucketNotFoundException => "the bucket does not exist",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
