using System.Text;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Metrics;
using FineTune.Operator.Tests.Support;
using Prometheus;

namespace FineTune.Operator.Tests.Metrics;

public class OperatorMetricsTests
{
    private static async Task<string> Scrape(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task Gauges_count_jobs_by_phase_and_method_and_gpus_of_running_jobs()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new OperatorMetrics(registry);
        var running = TestJobs.Lora("a");
        running.Spec.Resources.Gpus = 2;
        running.Status = new FineTuneJobStatus { Phase = JobPhase.Running };
        var done = TestJobs.Rlhf("b");
        done.Status = new FineTuneJobStatus { Phase = JobPhase.Succeeded };
        metrics.Observe(() => [running, done], () => 7);
        var text = await Scrape(registry);
        Assert.Contains("finetune_operator_jobs{phase=\"Running\",method=\"lora\"} 1", text);
        Assert.Contains("finetune_operator_jobs{phase=\"Succeeded\",method=\"rlhf\"} 1", text);
        Assert.Contains("finetune_operator_gpus_requested{queue=\"default\"} 2", text);
        Assert.Contains("finetune_operator_workqueue_depth 7", text);
    }

    [Fact]
    public async Task Duration_histograms_reach_beyond_ten_seconds()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new OperatorMetrics(registry);
        metrics.Reconciled("success", TimeSpan.FromSeconds(45));
        metrics.StageFinished(FineTuneMethod.Rlhf, "ppo", StagePhase.Succeeded, TimeSpan.FromHours(3));
        var text = await Scrape(registry);
        Assert.Contains("finetune_operator_reconcile_duration_seconds_bucket{le=\"60\"} 1", text);
        Assert.Contains("finetune_operator_reconcile_duration_seconds_bucket{le=\"30\"} 0", text);
        Assert.Contains("finetune_operator_stage_duration_seconds_bucket{method=\"rlhf\",stage=\"ppo\",phase=\"Succeeded\",le=\"14400\"} 1", text);
        Assert.Contains("finetune_operator_reconciles_total{result=\"success\"} 1", text);
    }
}
