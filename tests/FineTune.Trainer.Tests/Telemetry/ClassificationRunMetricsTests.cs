using FineTune.Trainer.Data;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Telemetry;

public sealed class ClassificationRunMetricsTests
{
    [Fact]
    public async Task A_classification_run_exports_accuracy_and_macro_f1_of_its_evaluation()
    {
        // Label 1 when the sequence starts with a high token id: learnable, and both classes occur.
        var random = new Random(9);
        List<Example> Examples(int count) => Enumerable.Range(0, count).Select(i =>
        {
            var ids = Enumerable.Range(0, 4 + random.Next(8)).Select(_ => 1 + random.Next(250)).ToArray();
            return new Example(new TokenSequence(ids, ids.Select(_ => TokenSequence.IgnoreIndex).ToArray()), i + 1, ClassLabel: ids[0] > 125 ? 1 : 0);
        }).ToList();
        var metrics = new TrainerMetrics(new TrainerMetricLabels("ml", "sentiment", "full", "train"));
        var observer = new RecordingObserver();
        using var dir = new TempDirectory();

        new TrainingLoop(TrainingSetup.Model("bert", seed: 21), new FullMethod(), Examples(32), Examples(20),
            TrainingSetup.Options(2, evalEvery: 2), padId: 0, CPU, new LocalCheckpointStore(dir.Path),
            new CompositeTrainingObserver(observer, new MetricsObserver(metrics))).Run();
        var series = Exposition.Parse(await metrics.ExportTextAsync());

        var evaluation = Assert.Single(observer.Evaluations).Metrics;
        Assert.Equal(evaluation.Accuracy!.Value, series.Value("finetune_trainer_eval_metric", ("metric", "accuracy")), 12);
        Assert.Equal(evaluation.MacroF1!.Value, series.Value("finetune_trainer_eval_metric", ("metric", "macro_f1")), 12);
        Assert.Equal(evaluation.Loss, series.Value("finetune_trainer_eval_loss"), 12);
        Assert.Equal(16, series.Value("finetune_trainer_samples_total"));
    }
}
