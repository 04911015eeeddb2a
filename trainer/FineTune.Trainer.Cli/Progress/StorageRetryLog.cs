using System.Globalization;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Resilience;

namespace FineTune.Trainer.Cli.Progress;

/// <summary>
/// Writes one line per storage retry to the trainer's log before passing every event on (to the metrics). Without it a
/// pod whose object store is down stays silent for the whole retry budget (minutes), and `kubectl logs` shows nothing
/// to explain a stage that does not move. The failure detail is the classified one, with credentials removed.
/// </summary>
public sealed class StorageRetryLog(TextWriter log, IStorageEvents next) : IStorageEvents
{
    /// <inheritdoc />
    public void Retrying(StorageOperation operation, StorageUri location, int attempt, TimeSpan delay, StorageFailure failure)
    {
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"storage {operation.ToString().ToLowerInvariant()} of {location} failed ({failure.Detail}); attempt {attempt} failed, retrying in {delay.TotalSeconds:0.#} s"));
        next.Retrying(operation, location, attempt, delay, failure);
    }

    /// <inheritdoc />
    public void Failed(StorageOperation operation, StorageUri location, StorageFailure failure) =>
        next.Failed(operation, location, failure);

    /// <inheritdoc />
    public void Transferred(StorageOperation operation, long bytes) => next.Transferred(operation, bytes);
}
