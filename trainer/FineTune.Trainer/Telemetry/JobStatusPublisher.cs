using System.Threading.Channels;
using FineTune.Api.Contract;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Training;
using k8s;
using k8s.Models;

namespace FineTune.Trainer.Telemetry;

/// <summary>
/// Publishes training progress to status.progress and status.lastCheckpoint of the FineTuneJob the trainer runs for,
/// through the status subresource (the only thing the pod's ServiceAccount may write). Observer calls only record the
/// latest state and wake a background sender, so a slow or unreachable API server never delays or fails training.
/// Patches are throttled to one per <see cref="MinInterval"/>; the last step, every checkpoint and disposal always send.
/// </summary>
public sealed class JobStatusPublisher : ITrainingObserver, IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private readonly IKubernetes _client;
    private readonly string _namespace, _name, _stage;
    private readonly TextWriter _warnings;
    private readonly TimeProvider _time;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sender;
    private readonly Lock _gate = new();
    private readonly bool _ownsClient;
    private ProgressStatus? _progress;
    private CheckpointRef? _checkpoint;
    private double? _evalLoss;
    private bool _dirty, _warned;
    private long _lastWake = long.MinValue;
    private long _sent;

    /// <summary>Starts the background sender for the FineTuneJob <paramref name="ns"/>/<paramref name="name"/>.</summary>
    /// <param name="client">Client for the API server.</param>
    /// <param name="ns">Namespace of the FineTuneJob.</param>
    /// <param name="name">Name of the FineTuneJob.</param>
    /// <param name="stage">Stage being trained (recorded with each checkpoint).</param>
    /// <param name="warnings">Where the first failure to publish is reported (once).</param>
    /// <param name="minInterval">Least time between two step patches (default 2 s).</param>
    /// <param name="time">Clock (tests).</param>
    /// <param name="ownsClient">Dispose <paramref name="client"/> with this publisher.</param>
    public JobStatusPublisher(IKubernetes client, string ns, string name, string stage, TextWriter warnings,
        TimeSpan? minInterval = null, TimeProvider? time = null, bool ownsClient = false)
    {
        _client = client;
        _namespace = ns;
        _name = name;
        _stage = stage;
        _warnings = warnings;
        _time = time ?? TimeProvider.System;
        _ownsClient = ownsClient;
        MinInterval = minInterval ?? TimeSpan.FromSeconds(2);
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>Least time between two step patches.</summary>
    public TimeSpan MinInterval { get; }

    /// <summary>Patches the API server accepted so far.</summary>
    public long PatchesSent => Interlocked.Read(ref _sent);

    /// <summary>
    /// A publisher for the job named by <see cref="TrainerEnvironment.JobNamespace"/> and
    /// <see cref="TrainerEnvironment.JobName"/>, with the client config from KUBECONFIG when set, else the in-cluster
    /// one; null when the job is not named or no config exists (a run on a laptop).
    /// </summary>
    public static JobStatusPublisher? FromEnvironment(string stage, TextWriter warnings, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment(TrainerEnvironment.JobNamespace) is not { Length: > 0 } ns || environment(TrainerEnvironment.JobName) is not { Length: > 0 } name)
            return null;
        KubernetesClientConfiguration config;
        try
        {
            if (environment("KUBECONFIG") is { Length: > 0 } kubeconfig)
                config = KubeconfigLoader.Load(kubeconfig);
            else if (KubernetesClientConfiguration.IsInCluster())
                config = KubernetesClientConfiguration.InClusterConfig();
            else
                return null;
        }
        catch (Exception error)
        {
            // Progress is a courtesy: a broken client config must not cost the training run.
            warnings.WriteLine($"warning: progress is not published to FineTuneJob {ns}/{name}: no usable client config: {error.GetType().Name}: {error.Message}");
            return null;
        }
        return new JobStatusPublisher(new Kubernetes(config), ns, name, stage, warnings, ownsClient: true);
    }

    /// <inheritdoc />
    public void OnStep(StepReport report)
    {
        lock (_gate)
        {
            _progress = new ProgressStatus
            {
                Step = report.Step,
                TotalSteps = report.TotalSteps,
                Percent = report.TotalSteps > 0 ? (int)Math.Min(100, report.Step * 100 / report.TotalSteps) : 0,
                Loss = report.Loss,
                EvalLoss = _evalLoss,
                TokensPerSecond = report.TokensPerSecond,
                EtaSeconds = double.IsFinite(report.EtaSeconds) && report.EtaSeconds >= 0 ? (long)Math.Ceiling(report.EtaSeconds) : null,
                UpdateTime = _time.GetUtcNow().UtcDateTime,
            };
            Changed(force: report.Step >= report.TotalSteps);
        }
    }

    /// <inheritdoc />
    public void OnEvaluation(long step, EvaluationMetrics metrics, bool improved)
    {
        lock (_gate)
        {
            _evalLoss = metrics.Loss;
            if (_progress is null) return; // sent with the next step
            _progress.EvalLoss = metrics.Loss;
            Changed(force: false);
        }
    }

    /// <inheritdoc />
    public void OnCheckpoint(long step, string location)
    {
        lock (_gate)
        {
            _checkpoint = new CheckpointRef { Uri = location, Step = step, Stage = _stage, Time = _time.GetUtcNow().UtcDateTime };
            Changed(force: true);
        }
    }

    /// <inheritdoc />
    public void OnMessage(string message)
    {
    }

    /// <summary>Sends the final state (waiting at most a few seconds for it), then stops the sender.</summary>
    public void Dispose()
    {
        lock (_gate)
            if (_dirty) _wake.Writer.TryWrite(true);
        _wake.Writer.TryComplete();
        // The sender ends once the last patch is answered; an API server that does not answer in time is given up on.
        if (!_sender.Wait(RequestTimeout))
        {
            _stop.Cancel();
            _sender.Wait(TimeSpan.FromSeconds(1));
        }
        _stop.Dispose();
        if (_ownsClient) _client.Dispose();
    }

    // Called under the lock: marks the state unsent and wakes the sender unless a step patch went out recently.
    private void Changed(bool force)
    {
        _dirty = true;
        var now = _time.GetTimestamp();
        if (!force && _lastWake != long.MinValue && _time.GetElapsedTime(_lastWake, now) < MinInterval)
            return;
        _lastWake = now;
        _wake.Writer.TryWrite(true);
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (_wake.Reader.TryRead(out _)) { }
                string body;
                lock (_gate)
                {
                    if (!_dirty || _progress is null && _checkpoint is null) continue;
                    body = JobStatusPatch.Build(_progress ?? new ProgressStatus(), _checkpoint);
                    _dirty = false;
                }
                await SendAsync(body).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(string body)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(body, V1Patch.PatchType.MergePatch),
                FineTuneJobApi.Group, FineTuneJobApi.Version, _namespace, FineTuneJobApi.Plural, _name,
                cancellationToken: timeout.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _sent);
        }
        catch (Exception error) when (!_stop.IsCancellationRequested)
        {
            // Progress is a courtesy to the operator: training goes on, and the next change tries again.
            lock (_gate)
            {
                _dirty = true;
                if (_warned) return;
                _warned = true;
            }
            _warnings.WriteLine($"warning: cannot publish progress to FineTuneJob {_namespace}/{_name} (will keep trying): {error.GetType().Name}: {error.Message}");
        }
    }
}
