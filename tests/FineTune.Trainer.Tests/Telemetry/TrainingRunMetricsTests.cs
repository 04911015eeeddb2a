using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Trainer.Tests.Methods;
using FineTune.Trainer.Tests.Methods.Peft;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Tests.Telemetry;

/// <summary>
/// Every method of the shared method table runs a short real training loop with the metrics observer attached; the
/// series are then read from the exposition text and compared with what the loop reported.
/// </summary>
public sealed class TrainingRunMetricsTests
{
    public static TheoryData<string> Methods => MethodTable.All;

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task A_short_run_of_every_method_feeds_every_loop_series(string row)
    {
        var table = MethodTable.Rows[row];
        var method = table.Create();
        var (metrics, observer, model) = TrainedRun.Run(table.Architecture, method, new TrainerMetricLabels("ml", "reverse", method.Name, "train"));
        var text = await metrics.ExportTextAsync();
        var series = Exposition.Parse(text);

        Assert.All(series.Samples, s => Assert.Equal(
            new Dictionary<string, string> { ["namespace"] = "ml", ["job"] = "reverse", ["method"] = method.Name, ["stage"] = "train" },
            s.Labels.Where(l => l.Key is "namespace" or "job" or "method" or "stage").ToDictionary()));
        var last = observer.Steps[^1];
        Assert.Equal(3, series.Value("finetune_trainer_step"));
        Assert.Equal(3, series.Value("finetune_trainer_total_steps"));
        Assert.Equal(last.Loss, series.Value("finetune_trainer_loss"), 12);
        Assert.Equal(last.LearningRate, series.Value("finetune_trainer_learning_rate"), 15);
        Assert.Equal(last.GradNorm, series.Value("finetune_trainer_grad_norm"), 12);
        Assert.Equal(last.TokensPerSecond, series.Value("finetune_trainer_tokens_per_second"), 6);
        Assert.Equal(last.EpochProgress!.Value, series.Value("finetune_trainer_epoch"), 12);
        Assert.Equal(observer.Steps.Sum(s => s.Tokens), series.Value("finetune_trainer_tokens_total"));
        Assert.Equal(observer.Steps.Sum(s => s.Samples), series.Value("finetune_trainer_samples_total"));
        Assert.Equal(24, series.Value("finetune_trainer_samples_total"));

        Assert.Equal(table.TrainableCount(model.Config), series.Value("finetune_trainer_trainable_parameters"));
        Assert.Equal(model.Module.parameters().Sum(p => p.numel()), series.Value("finetune_trainer_parameters"));

        var evaluation = observer.Evaluations[^1].Metrics;
        Assert.Equal(evaluation.Loss, series.Value("finetune_trainer_eval_loss"), 12);
        Assert.Equal(evaluation.Perplexity, series.Value("finetune_trainer_eval_metric", ("metric", "perplexity")), 9);

        Assert.Equal(2, series.Value("finetune_trainer_checkpoints_total"));
        Assert.Equal(2, series.Value("finetune_trainer_checkpoint_duration_seconds_count"));
        Assert.Equal(observer.CheckpointReports[^1].Bytes, series.Value("finetune_trainer_checkpoint_bytes"));
        Assert.Equal(observer.CheckpointReports.Sum(r => r.Duration.TotalSeconds), series.Value("finetune_trainer_checkpoint_duration_seconds_sum"), 9);

        var (exitCode, output) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exitCode == 0 && output.Length == 0, $"promtool check metrics exited {exitCode}: {output}\n{text}");
    }
}
