using FineTune.Api.V1Alpha1;

namespace FineTune.Operator.Finalizers;

/// <summary>Deletes what the runs of a FineTuneJob wrote to storage, when spec.output.retainOnDelete is false.</summary>
public interface IOutputCleaner
{
    /// <summary>
    /// Deletes the outputs of every run of <paramref name="job"/> (the current one and those in status.history).
    /// Throws <see cref="OutputCleanupException"/> when they could not be deleted.
    /// </summary>
    Task<OutputCleanupResult> DeleteOutputsAsync(FineTuneJob job, CancellationToken cancellationToken);
}
