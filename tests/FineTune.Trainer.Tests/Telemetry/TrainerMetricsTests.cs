using System.Net;
using System.Text.RegularExpressions;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Resilience;
using FineTune.Trainer.Storage.S3;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Tests.Fixtures;

namespace FineTune.Trainer.Tests.Telemetry;

public sealed class TrainerMetricsTests
{
    private static readonly TrainerMetricLabels Labels = new("ml", "support-bot", "rlhf", "ppo");

    internal static TrainerMetrics WithEverySeriesSet()
    {
        var metrics = new TrainerMetrics(Labels);
        metrics.SetRunShape(totalSteps: 400, trainableParameters: 1_200_000, parameters: 124_000_000);
        metrics.RecordStep(new TrainingStepMetrics(Step: 120, Loss: 1.82, LearningRate: 2e-4, GradNorm: 0.9,
            TokensPerSecond: 5300, Samples: 8, Tokens: 4096, Epoch: 1.5));
        metrics.RecordEvaluation(1.95, new Dictionary<string, double> { ["accuracy"] = 0.71, ["perplexity"] = 7.0 });
        metrics.RecordCheckpoint(TimeSpan.FromSeconds(3.2), 512L << 20);
        metrics.RecordRlhf(new RlhfStepMetrics(RewardMean: 0.4, RewardModelAccuracy: 0.8, KlDivergence: 0.02, ClipFraction: 0.1, ValueLoss: 0.3));
        metrics.SetQuantizationError(0.004);
        IStorageEvents events = metrics;
        events.Retrying(StorageOperation.Put, StorageUri.Parse("s3://runs/x"), 1, TimeSpan.FromSeconds(1), new(StorageErrorKind.Unavailable, "refused"));
        events.Failed(StorageOperation.Get, StorageUri.Parse("s3://runs/x"), new(StorageErrorKind.AccessDenied, "denied"));
        events.Transferred(StorageOperation.Put, 1024);
        return metrics;
    }

    [Fact]
    public async Task The_exposition_passes_promtool_check_metrics()
    {
        var text = await WithEverySeriesSet().ExportTextAsync();

        var (exitCode, output) = await Promtool.CheckMetricsAsync(text);

        Assert.True(exitCode == 0 && output.Length == 0, $"promtool check metrics exited {exitCode}: {output}\n{text}");
    }

    [Fact]
    public async Task Every_series_carries_the_job_labels_and_no_runtime_meters_are_exported()
    {
        var text = await WithEverySeriesSet().ExportTextAsync();
        var samples = text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.All(samples, line =>
        {
            Assert.StartsWith(TrainerMetrics.Prefix, line);
            Assert.Contains("namespace=\"ml\"", line);
            Assert.Contains("job=\"support-bot\"", line);
            Assert.Contains("method=\"rlhf\"", line);
            Assert.Contains("stage=\"ppo\"", line);
        });
        foreach (var name in new[] { "loss", "eval_loss", "learning_rate", "grad_norm", "tokens_per_second", "samples_total",
                     "tokens_total", "step", "total_steps", "epoch", "trainable_parameters", "parameters", "checkpoint_bytes",
                     "checkpoint_duration_seconds_count", "storage_retries_total", "storage_errors_total", "reward_mean",
                     "reward_model_accuracy_ratio", "kl_divergence", "clip_fraction_ratio", "value_loss", "quantization_error",
                     "resident_memory_bytes" })
            Assert.Contains(samples, l => l.StartsWith(TrainerMetrics.Prefix + name + "{", StringComparison.Ordinal));
        Assert.Contains(samples, l => l.StartsWith("finetune_trainer_loss{") && l.EndsWith(" 1.82"));
        Assert.Contains(samples, l => l.StartsWith("finetune_trainer_eval_metric{") && l.Contains("metric=\"accuracy\"") && l.EndsWith(" 0.71"));
        Assert.Contains(samples, l => l.StartsWith("finetune_trainer_storage_errors_total{") && l.Contains("operation=\"get\"") && l.Contains("kind=\"access_denied\""));
    }

    [Fact]
    public async Task Series_a_method_does_not_compute_are_absent_rather_than_zero()
    {
        var metrics = new TrainerMetrics(Labels with { Method = "lora", Stage = "train" });
        metrics.RecordStep(new TrainingStepMetrics(1, 2.5, 1e-4, 1.0, 100, 8, 1024, 0.01));

        var text = await metrics.ExportTextAsync();

        Assert.Matches(new Regex(@"^finetune_trainer_loss\{.*\} 2\.5$", RegexOptions.Multiline), text);
        Assert.DoesNotMatch(new Regex(@"^finetune_trainer_(reward_mean|kl_divergence|quantization_error|eval_loss)\{", RegexOptions.Multiline), text);
    }

    [Fact]
    public async Task Storage_retries_and_failures_of_a_real_store_are_counted()
    {
        var metrics = new TrainerMetrics(Labels);
        using var store = new S3ObjectStore(new S3StoreOptions
        {
            Endpoint = new Uri("http://127.0.0.1:1"),
            Credentials = new S3Credentials("access", "secret-value"),
            Retry = new() { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(10) },
        }, events: metrics);

        await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(StorageUri.Parse("s3://runs/x")));
        var text = await metrics.ExportTextAsync();

        var series = Exposition.Parse(text);
        Assert.Equal(2, series.Value("finetune_trainer_storage_retries_total", ("operation", "stat"), ("kind", "unavailable")));
        Assert.Equal(1, series.Value("finetune_trainer_storage_errors_total", ("operation", "stat"), ("kind", "unavailable")));
    }

    [Fact]
    public async Task The_endpoint_serves_the_series_over_http()
    {
        var metrics = WithEverySeriesSet();
        var (server, port) = StartOnFreePort(metrics);
        using (server)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/metrics");
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("finetune_trainer_tokens_per_second{", body);
        }
    }

    internal static (IDisposable Server, int Port) StartOnFreePort(TrainerMetrics metrics)
    {
        // A port picked by the system can be taken before the server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            try
            {
                return (metrics.StartServer(port, "127.0.0.1"), port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
    }
}
