using System.Net.Http;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Tests.Telemetry;

public sealed class TrainerTelemetryTests
{
    [Fact]
    public async Task Reports_through_the_observer_are_served_on_the_metrics_port()
    {
        var port = FreePort.Next();
        var environment = new Dictionary<string, string?> { ["FINETUNE_METRICS_PORT"] = port.ToString(), ["FINETUNE_JOB_NAME"] = "bot" };
        using var telemetry = TrainerTelemetry.FromEnvironment("lora", "train", TextWriter.Null, name => environment.GetValueOrDefault(name));
        var observer = telemetry.Observe(new NullTrainingObserver());

        observer.OnStep(new StepReport(Step: 3, TotalSteps: 12, Loss: 1.25, LearningRate: 1e-3, GradNorm: 0.5, Tokens: 64,
            TokensPerSecond: 320, EtaSeconds: 2, Epoch: 0));
        observer.OnEvaluation(3, new EvaluationMetrics { Loss = 1.5, Perplexity = 4.48, Tokens = 10, Examples = 2 }, improved: true);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        Assert.Matches("""finetune_trainer_step\{[^}]*job="bot"[^}]*\} 3\b""", text);
        Assert.Matches("""finetune_trainer_total_steps\{[^}]*\} 12\b""", text);
        Assert.Matches("""finetune_trainer_loss\{[^}]*\} 1\.25\b""", text);
        Assert.Matches("""finetune_trainer_eval_loss\{[^}]*\} 1\.5\b""", text);
        Assert.Matches("""finetune_trainer_tokens_total\{[^}]*\} 64\b""", text);
    }

    [Fact]
    public void A_metrics_port_that_is_not_a_number_is_named_in_the_error()
    {
        var error = Assert.Throws<FineTune.Trainer.Jobs.JobInputException>(() =>
            TrainerTelemetry.FromEnvironment("lora", "train", TextWriter.Null, name => name == "FINETUNE_METRICS_PORT" ? "metrics" : null));
        Assert.Contains("FINETUNE_METRICS_PORT: 'metrics'", error.Message);
    }
}
