using FineTune.Api.V1Alpha1;
using Microsoft.Extensions.Logging;

namespace FineTune.Operator.Finalizers;

/// <summary>
/// Deletes the run prefixes of a FineTuneJob (current run and status.history): s3:// outputs through the S3 API with
/// the keys of spec.storage.credentialsSecret, file:// and path outputs on the operator's filesystem when it can see them.
/// </summary>
public sealed class StorageOutputCleaner(StorageCredentialsReader credentials, ILogger<StorageOutputCleaner> logger) : IOutputCleaner
{
    /// <inheritdoc />
    public async Task<OutputCleanupResult> DeleteOutputsAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        var prefixes = RunOutputPrefix.For(job);
        if (prefixes.Count == 0)
            return new OutputCleanupResult([], [], 0);
        var s3 = prefixes.Where(p => p.IsS3).ToList();
        var local = prefixes.Where(p => !p.IsS3).ToList();
        var count = 0;
        if (s3.Count > 0)
        {
            if (job.Spec.Storage is not { } storage)
                throw new OutputCleanupException($"spec.storage is required to delete the s3:// outputs under {job.Spec.Output.Uri}");
            var keys = await credentials.ReadAsync(job, cancellationToken).ConfigureAwait(false);
            count += await S3PrefixDeleter.DeleteAsync(storage, keys, s3, cancellationToken).ConfigureAwait(false);
        }
        var (files, unreachable) = LocalPrefixDeleter.Delete(local);
        count += files;
        var deleted = prefixes.Select(p => p.Uri).Except(unreachable).ToList();
        logger.LogInformation("Deleted {Count} object(s) under {Prefixes} for {Namespace}/{Name}", count, string.Join(", ", deleted),
            job.Metadata.NamespaceProperty, job.Metadata.Name);
        return new OutputCleanupResult(deleted, unreachable, count);
    }
}
