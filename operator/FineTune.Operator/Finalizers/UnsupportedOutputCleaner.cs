using FineTune.Api.V1Alpha1;
using Microsoft.Extensions.Logging;

namespace FineTune.Operator.Finalizers;

/// <summary>
/// The cleaner used until the operator has a storage client: it deletes nothing and says so in the log, naming the
/// prefixes that stay. TODO: replace with an S3 implementation (storage issue) behind <see cref="IOutputCleaner"/>.
/// </summary>
public sealed class UnsupportedOutputCleaner(ILogger<UnsupportedOutputCleaner> logger) : IOutputCleaner
{
    /// <inheritdoc />
    public Task DeleteOutputsAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        var runs = (job.Status?.History ?? []).Select(r => r.RunId).Prepend(job.Status?.RunId).OfType<string>().Distinct();
        foreach (var run in runs)
            logger.LogWarning("retainOnDelete is false for {Namespace}/{Name}, but deleting outputs is not supported yet: {Prefix} stays",
                job.Metadata.NamespaceProperty, job.Metadata.Name, $"{job.Spec.Output.Uri.TrimEnd('/')}/{run}/");
        return Task.CompletedTask;
    }
}
