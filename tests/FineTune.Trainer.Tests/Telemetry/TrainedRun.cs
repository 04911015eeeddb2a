using FineTune.Trainer.Methods;
using FineTune.Trainer.Models;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Telemetry;

/// <summary>A short real run (3 steps, evaluated at the end, checkpoints at steps 2 and 3) observed by the metrics.</summary>
internal static class TrainedRun
{
    public static (TrainerMetrics Metrics, RecordingObserver Observer, ILanguageModel Model) Run(
        string architecture, IFineTuneMethod method, TrainerMetricLabels labels)
    {
        var metrics = new TrainerMetrics(labels);
        var observer = new RecordingObserver();
        var model = TrainingSetup.Model(architecture);
        using var dir = new TempDirectory();
        new TrainingLoop(model, method, TrainingSetup.Data, TrainingSetup.Options(3, evalEvery: 3, checkpointEvery: 2),
            TrainingSetup.PadId, CPU, new LocalCheckpointStore(dir.Path), new CompositeTrainingObserver(observer, new MetricsObserver(metrics))).Run();
        return (metrics, observer, model);
    }
}
