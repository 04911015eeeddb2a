using Microsoft.Extensions.Logging;

namespace FineTune.Trainer.Storage.Resilience;

/// <summary>
/// Runs one store operation, retrying transient failures with capped exponential backoff and jitter, and turning
/// every failure into a <see cref="StorageException"/> that names the operation, endpoint and location.
/// </summary>
public sealed class RetryExecutor
{
    private readonly RetryOptions _options;
    private readonly string _endpoint;
    private readonly Func<Exception, StorageFailure> _classify;
    private readonly ILogger _logger;
    private readonly IStorageEvents _events;
    private readonly TimeProvider _time;
    private readonly Random _random = new();

    /// <summary>Creates the executor for one store.</summary>
    /// <param name="options">Backoff settings.</param>
    /// <param name="endpoint">The endpoint named in messages ("local" for the file system).</param>
    /// <param name="classify">Maps a raw exception to its kind and a credential-free description.</param>
    /// <param name="logger">Receives one line per retry and per final failure.</param>
    /// <param name="events">Counts retries and failures.</param>
    /// <param name="time">Clock for the delays (tests pass their own).</param>
    public RetryExecutor(RetryOptions options, string endpoint, Func<Exception, StorageFailure> classify,
        ILogger logger, IStorageEvents events, TimeProvider? time = null)
    {
        if (options.MaxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxAttempts, "retry MaxAttempts must be at least 1");
        _options = options;
        _endpoint = endpoint;
        _classify = classify;
        _logger = logger;
        _events = events;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> (given the 1-based attempt number) until it succeeds, fails permanently or the
    /// attempts are used up. A <see cref="StorageException"/> thrown by the attempt itself is passed on unchanged;
    /// cancellation through <paramref name="cancellationToken"/> is passed on as is.
    /// </summary>
    public async Task<T> RunAsync<T>(StorageOperation operation, StorageUri location,
        Func<int, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var number = 1; ; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await attempt(number, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageException)
            {
                throw;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception error)
            {
                var failure = _classify(error);
                if (!failure.IsTransient || number >= _options.MaxAttempts)
                {
                    _events.Failed(operation, location, failure);
                    var storageError = ToException(operation, location, failure, number, error);
                    _logger.LogWarning("{Message}", storageError.Message);
                    throw storageError;
                }

                var delay = _options.DelayWithJitter(number, _random);
                _events.Retrying(operation, location, number, delay, failure);
                _logger.LogInformation(
                    "storage {Operation} {Location} at {Endpoint}: attempt {Attempt}/{MaxAttempts} failed ({Detail}); retrying in {DelayMs} ms",
                    operation, location, _endpoint, number, _options.MaxAttempts, failure.Detail, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Builds the error for a failure (also used by attempts that decide on their own not to retry).</summary>
    public StorageException ToException(StorageOperation operation, StorageUri location, StorageFailure failure,
        int attempts, Exception? inner = null)
    {
        var where = location.IsS3
            ? $"{location} (endpoint {_endpoint}, bucket '{location.Bucket}', key '{location.Key}')"
            : location.ToString();
        var what = failure.Kind switch
        {
            StorageErrorKind.NotFound => "does not exist",
            StorageErrorKind.AccessDenied => "access denied: check the access key and secret key the trainer was given (not retried)",
            StorageErrorKind.MissingBucket => $"bucket '{location.Bucket}' does not exist (not retried)",
            StorageErrorKind.Unavailable => $"store unavailable after {attempts} attempt(s)",
            _ => "rejected by the store (not retried)",
        };
        var message = $"storage {operation.ToString().ToLowerInvariant()} of {where} failed: {what}: {failure.Detail}";
        return new StorageException(message, operation, _endpoint, location, failure.Kind, inner);
    }
}
