using System.Globalization;
using FineTune.Trainer.Methods.Frozen;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Tests.Telemetry;

/// <summary>A real Prometheus server scrapes the trainer's endpoint and the series are read back through its query API.</summary>
public sealed class PrometheusScrapeTests
{
    [Fact]
    public async Task Prometheus_scrapes_the_trainer_series_with_their_job_labels()
    {
        var metrics = TrainerMetricsTests.WithEverySeriesSet();
        var (endpoint, port) = TrainerMetricsTests.StartOnFreePort(metrics);
        using (endpoint)
        {
            await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{port}");

            var loss = await prometheus.QueryUntilPresentAsync("finetune_trainer_loss{job=\"support-bot\",stage=\"ppo\"}", TimeSpan.FromSeconds(30));
            var tokens = await prometheus.QueryUntilPresentAsync("finetune_trainer_tokens_total", TimeSpan.FromSeconds(10));
            var kl = await prometheus.QueryUntilPresentAsync("finetune_trainer_kl_divergence", TimeSpan.FromSeconds(10));

            Assert.True(loss.Count == 1, $"no loss sample in Prometheus:\n{prometheus.Output}");
            Assert.Equal(1.82, loss[0].Value);
            Assert.Equal("ml", loss[0].Labels["namespace"]);
            Assert.Equal("rlhf", loss[0].Labels["method"]);
            Assert.Equal(4096, Assert.Single(tokens).Value);
            Assert.Equal(0.02, Assert.Single(kl).Value);
        }
    }

    [Fact]
    public async Task Prometheus_reads_back_the_series_of_a_real_training_run_with_the_trainer_labels()
    {
        var (metrics, observer, _) = TrainedRun.Run("gpt2", new FrozenMethod(new FrozenOptions { TrainableLayers = 1 }),
            new TrainerMetricLabels("ml", "reverse-words", "frozen", "train"));
        var (endpoint, port) = TrainerMetricsTests.StartOnFreePort(metrics);
        using (endpoint)
        {
            // The scrape Prometheus takes is also what promtool checks.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var scrape = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            var (exitCode, lint) = await Promtool.CheckMetricsAsync(scrape);
            Assert.True(exitCode == 0 && lint.Length == 0, $"promtool check metrics exited {exitCode}: {lint}\n{scrape}");
            var exported = Exposition.Parse(scrape);

            await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{port}");
            foreach (var name in new[] { "loss", "tokens_total", "checkpoint_bytes", "trainable_parameters" })
            {
                var samples = await prometheus.QueryUntilPresentAsync($"finetune_trainer_{name}", TimeSpan.FromSeconds(30));
                var sample = Assert.Single(samples);
                // honor_labels: the trainer's job label wins over the scrape job's name ("trainer"), and nothing is renamed exported_*.
                Assert.Equal("reverse-words", sample.Labels["job"]);
                Assert.Equal("ml", sample.Labels["namespace"]);
                Assert.Equal("frozen", sample.Labels["method"]);
                Assert.Equal("train", sample.Labels["stage"]);
                Assert.DoesNotContain(sample.Labels.Keys, key => key.StartsWith("exported_", StringComparison.Ordinal));
                Assert.Equal(exported.Value($"finetune_trainer_{name}"), sample.Value, 9);
            }
            var bytes = await prometheus.QueryUntilPresentAsync("finetune_trainer_checkpoint_bytes", TimeSpan.FromSeconds(5));
            Assert.Equal(observer.CheckpointReports[^1].Bytes.ToString(CultureInfo.InvariantCulture),
                bytes[0].Value.ToString(CultureInfo.InvariantCulture));
        }
    }
}
