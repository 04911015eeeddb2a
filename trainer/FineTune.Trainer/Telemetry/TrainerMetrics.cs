using System.Diagnostics;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Resilience;
using Prometheus;

namespace FineTune.Trainer.Telemetry;

/// <summary>
/// The trainer's Prometheus series, in a registry of their own (no .NET runtime meters, which flood the output), each
/// carrying the labels namespace, job, method and stage. Gauges appear once first set, so a series that a method does
/// not compute (reward for LoRA) is absent rather than a misleading zero. Also receives storage events.
/// </summary>
public sealed class TrainerMetrics : IStorageEvents
{
    /// <summary>Prefix of every series name.</summary>
    public const string Prefix = "finetune_trainer_";

    private static readonly GaugeConfiguration Lazy = new() { SuppressInitialValue = true };
    private readonly Gauge _loss, _evalLoss, _evalMetric, _learningRate, _gradNorm, _tokensPerSecond, _step, _totalSteps,
        _epoch, _trainableParameters, _parameters, _checkpointBytes, _rewardMean, _rewardModelAccuracy, _klDivergence,
        _clipFraction, _valueLoss, _quantizationError, _residentMemory, _managedMemory;
    private readonly Counter _samples, _tokens, _checkpoints, _storageRetries, _storageErrors, _storageBytes;
    private readonly Histogram _checkpointDuration;

    /// <summary>Creates the registry and every series.</summary>
    public TrainerMetrics(TrainerMetricLabels labels)
    {
        // Only the default registry carries runtime meters; suppress them too in case anything exports it.
        Metrics.SuppressDefaultMetrics();
        Labels = labels;
        Registry = Metrics.NewCustomRegistry();
        Registry.SetStaticLabels(labels.ToDictionary());
        var factory = Metrics.WithCustomRegistry(Registry);

        Gauge G(string name, string help, params string[] labelNames) =>
            factory.CreateGauge(Prefix + name, help, labelNames, Lazy);
        Counter C(string name, string help, params string[] labelNames) =>
            factory.CreateCounter(Prefix + name, help, labelNames);

        _loss = G("loss", "Training loss of the last optimizer step.");
        _evalLoss = G("eval_loss", "Loss on the validation set at the last evaluation.");
        _evalMetric = G("eval_metric", "Evaluation metrics at the last evaluation, by metric name.", "metric");
        _learningRate = G("learning_rate", "Learning rate of the last optimizer step.");
        _gradNorm = G("grad_norm", "Gradient norm of the last optimizer step, before clipping.");
        _tokensPerSecond = G("tokens_per_second", "Training throughput in tokens per second.");
        _step = G("step", "Optimizer steps done.");
        _totalSteps = G("total_steps", "Optimizer steps the stage will run.");
        _epoch = G("epoch", "Fractional epoch reached.");
        _trainableParameters = G("trainable_parameters", "Parameters updated by training.");
        _parameters = G("parameters", "Parameters of the model, trainable or not.");
        _checkpointBytes = G("checkpoint_bytes", "Size of the last checkpoint written.");
        _rewardMean = G("reward_mean", "Mean reward of the last rollout batch (RLHF ppo stage).");
        _rewardModelAccuracy = G("reward_model_accuracy_ratio", "Share of preference pairs the reward model ranks right (RLHF reward stage).");
        _klDivergence = G("kl_divergence", "KL divergence between the policy and the reference model (RLHF ppo and dpo stages).");
        _clipFraction = G("clip_fraction_ratio", "Share of probability ratios clipped by the PPO objective.");
        _valueLoss = G("value_loss", "Value-head loss (RLHF ppo stage).");
        _quantizationError = G("quantization_error", "Mean absolute error between quantized and full-precision weights (QAT, QLoRA).");
        _residentMemory = G("resident_memory_bytes", "Resident memory of the process, tensors included.");
        _managedMemory = G("managed_memory_bytes", "Managed heap of the process (tensors live outside it).");

        _samples = C("samples_total", "Training samples consumed.");
        _tokens = C("tokens_total", "Training tokens consumed.");
        _checkpoints = C("checkpoints_total", "Checkpoints written.");
        _storageRetries = C("storage_retries_total", "Store operations retried after a transient error, by operation and error kind.", "operation", "kind");
        _storageErrors = C("storage_errors_total", "Store operations that failed for good, by operation and error kind.", "operation", "kind");
        _storageBytes = C("storage_transferred_bytes_total", "Bytes moved to and from storage.", "operation");
        _checkpointDuration = factory.CreateHistogram(Prefix + "checkpoint_duration_seconds", "Time to write a checkpoint.",
            new HistogramConfiguration { Buckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800] });

        Registry.AddBeforeCollectCallback(() =>
        {
            using var process = Process.GetCurrentProcess();
            _residentMemory.Set(process.WorkingSet64);
            _managedMemory.Set(GC.GetTotalMemory(forceFullCollection: false));
        });
    }

    /// <summary>The labels every series carries.</summary>
    public TrainerMetricLabels Labels { get; }

    /// <summary>The registry holding the trainer's series (what the endpoint exports).</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Records one optimizer step.</summary>
    public void RecordStep(TrainingStepMetrics step)
    {
        _step.Set(step.Step);
        _loss.Set(step.Loss);
        _learningRate.Set(step.LearningRate);
        _gradNorm.Set(step.GradNorm);
        _tokensPerSecond.Set(step.TokensPerSecond);
        _epoch.Set(step.Epoch);
        _samples.Inc(step.Samples);
        _tokens.Inc(step.Tokens);
    }

    /// <summary>Records the size of the run: total steps and parameter counts.</summary>
    public void SetRunShape(long totalSteps, long trainableParameters, long parameters)
    {
        _totalSteps.Set(totalSteps);
        _trainableParameters.Set(trainableParameters);
        _parameters.Set(parameters);
    }

    /// <summary>Records the optimizer steps done (before the first step of a resumed run).</summary>
    public void SetStep(long step) => _step.Set(step);

    /// <summary>Records the optimizer steps the stage will run (known from the first step report).</summary>
    public void SetTotalSteps(long totalSteps) => _totalSteps.Set(totalSteps);

    /// <summary>Records an evaluation: its loss and any named metrics (accuracy, perplexity, ...).</summary>
    public void RecordEvaluation(double evalLoss, IReadOnlyDictionary<string, double>? metrics = null)
    {
        _evalLoss.Set(evalLoss);
        foreach (var (name, value) in metrics ?? new Dictionary<string, double>())
            _evalMetric.WithLabels(name).Set(value);
    }

    /// <summary>Records a checkpoint written.</summary>
    public void RecordCheckpoint(TimeSpan duration, long bytes)
    {
        _checkpoints.Inc();
        _checkpointDuration.Observe(duration.TotalSeconds);
        _checkpointBytes.Set(bytes);
    }

    /// <summary>Records the RLHF series a stage computed.</summary>
    public void RecordRlhf(RlhfStepMetrics rlhf)
    {
        if (rlhf.RewardMean is { } reward) _rewardMean.Set(reward);
        if (rlhf.RewardModelAccuracy is { } accuracy) _rewardModelAccuracy.Set(accuracy);
        if (rlhf.KlDivergence is { } kl) _klDivergence.Set(kl);
        if (rlhf.ClipFraction is { } clip) _clipFraction.Set(clip);
        if (rlhf.ValueLoss is { } value) _valueLoss.Set(value);
    }

    /// <summary>Records the quantization error (QAT, QLoRA).</summary>
    public void SetQuantizationError(double error) => _quantizationError.Set(error);

    /// <summary>The exposition text, as the endpoint serves it.</summary>
    public async Task<string> ExportTextAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(buffer, cancellationToken).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Serves the registry at http://<paramref name="host"/>:<paramref name="port"/>/metrics until disposed
    /// ("+" listens on every interface, as a pod needs).
    /// </summary>
    public IDisposable StartServer(int port, string host = "+")
    {
        var server = new MetricServer(host, port, "metrics/", Registry);
        server.Start();
        return server;
    }

    /// <inheritdoc />
    void IStorageEvents.Retrying(StorageOperation operation, StorageUri location, int attempt, TimeSpan delay, StorageFailure failure) =>
        _storageRetries.WithLabels(Lower(operation), Snake(failure.Kind)).Inc();

    /// <inheritdoc />
    void IStorageEvents.Failed(StorageOperation operation, StorageUri location, StorageFailure failure) =>
        _storageErrors.WithLabels(Lower(operation), Snake(failure.Kind)).Inc();

    /// <inheritdoc />
    void IStorageEvents.Transferred(StorageOperation operation, long bytes) =>
        _storageBytes.WithLabels(Lower(operation)).Inc(bytes);

    private static string Lower(StorageOperation operation) => operation.ToString().ToLowerInvariant();

    // Label values in the same snake_case as the series names: AccessDenied → access_denied.
    private static string Snake(StorageErrorKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
