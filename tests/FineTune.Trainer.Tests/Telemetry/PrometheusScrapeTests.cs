using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Tests.Fixtures;

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

            Assert.True(loss.Count == 1, $"no loss sample in Prometheus:\n{prometheus.Output}");
            Assert.Equal(1.82, loss[0].Value);
            Assert.Equal("ml", loss[0].Labels["namespace"]);
            Assert.Equal("rlhf", loss[0].Labels["method"]);
            Assert.Equal(4096, Assert.Single(tokens).Value);
        }
    }
}
