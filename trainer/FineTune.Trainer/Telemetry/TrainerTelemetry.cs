using System.Globalization;
using FineTune.Api.Contract;
using FineTune.Trainer.Storage.Resilience;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Telemetry;

/// <summary>
/// What a training run reports beyond its console output: Prometheus series (served on
/// <see cref="TrainerEnvironment.MetricsPort"/> when set) and progress in the FineTuneJob's status (when the pod names
/// its job and can reach the API server). Dispose after training to send the final state and stop the endpoint.
/// </summary>
public sealed class TrainerTelemetry : IDisposable
{
    private readonly IDisposable? _server;
    private readonly JobStatusPublisher? _publisher;

    private TrainerTelemetry(TrainerMetrics metrics, IDisposable? server, JobStatusPublisher? publisher)
    {
        Metrics = metrics;
        _server = server;
        _publisher = publisher;
    }

    /// <summary>The run's Prometheus series.</summary>
    public TrainerMetrics Metrics { get; }

    /// <summary>
    /// Pass to the object storage the run reads and writes through (ObjectStorage.ForJob(..., events:)) so that its
    /// retries, failures and transferred bytes are counted by operation and error kind.
    /// </summary>
    public IStorageEvents StorageEvents => Metrics;

    /// <summary>Telemetry from the pod environment for a run of <paramref name="method"/>, stage <paramref name="stage"/>.</summary>
    public static TrainerTelemetry FromEnvironment(string method, string stage, TextWriter warnings, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var metrics = new TrainerMetrics(TrainerMetricLabels.FromEnvironment(method, environment));
        IDisposable? server = null;
        if (environment(TrainerEnvironment.MetricsPort) is { Length: > 0 } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                throw new Jobs.JobInputException($"{TrainerEnvironment.MetricsPort}: '{text}' is not a port; expected a number from 1 to 65535.");
            server = metrics.StartServer(port);
        }
        return new TrainerTelemetry(metrics, server, JobStatusPublisher.FromEnvironment(stage, warnings, environment));
    }

    /// <summary><paramref name="display"/> followed by the metrics and the status publisher.</summary>
    public ITrainingObserver Observe(ITrainingObserver display) =>
        _publisher is null
            ? new CompositeTrainingObserver(display, new MetricsObserver(Metrics))
            : new CompositeTrainingObserver(display, new MetricsObserver(Metrics), _publisher);

    /// <inheritdoc />
    public void Dispose()
    {
        _publisher?.Dispose();
        _server?.Dispose();
    }
}
