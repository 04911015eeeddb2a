using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Caching;

namespace FineTune.Trainer.Jobs;

/// <summary>
/// Resolves s3:// URIs of a job (model, tokenizer, datasets, earlier stages' outputs) by downloading them through the
/// ETag cache into the scratch directory; paths and file:// URIs go to the <see cref="LocalUriResolver"/>. A directory
/// URI is a prefix: every object under it is fetched with its relative path. Errors name the spec field; a store that
/// cannot be reached stays a <see cref="StorageException"/> (a retry may fix it), anything permanent becomes a
/// <see cref="JobInputException"/>. Cancelling <paramref name="cancellation"/> (SIGTERM while the inputs download)
/// abandons the download with an <see cref="OperationCanceledException"/>; the cache keeps only complete objects.
/// </summary>
public sealed class StorageUriResolver(DownloadCache cache, LocalUriResolver local, CancellationToken cancellation = default) : IUriResolver
{
    /// <inheritdoc />
    public string Directory(string uri, string field) =>
        IsS3(uri) ? Fetch(uri, field, location => cache.GetDirectoryAsync(location, cancellation)) : local.Directory(uri, field);

    /// <inheritdoc />
    public string File(string uri, string field) =>
        IsS3(uri) ? Fetch(uri, field, location => cache.GetFileAsync(location, cancellation)) : local.File(uri, field);

    /// <summary>True for an s3:// URI.</summary>
    public static bool IsS3(string uri) => uri.TrimStart().StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

    private static string Fetch(string uri, string field, Func<StorageUri, Task<string>> fetch)
    {
        StorageUri location;
        try
        {
            location = StorageUri.Parse(uri);
        }
        catch (ArgumentException error)
        {
            throw new JobInputException($"{field}: {error.Message}");
        }

        try
        {
            return fetch(location).GetAwaiter().GetResult();
        }
        catch (StorageException error) when (error.Kind != StorageErrorKind.Unavailable)
        {
            throw new JobInputException($"{field}: {error.Message}");
        }
        catch (InvalidOperationException error)
        {
            // ObjectStorage refuses s3:// when the job has no storage block.
            throw new JobInputException($"{field}: {error.Message}");
        }
    }
}
