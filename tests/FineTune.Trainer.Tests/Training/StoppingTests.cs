using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Training;

public sealed class StoppingTests
{
    [Fact]
    public void Early_stopping_ends_the_run_when_validation_loss_stops_improving_and_keeps_the_best_checkpoint()
    {
        using var dir = new TempDirectory();
        var store = new LocalCheckpointStore(dir.Path, keepLast: 1);
        var observer = new RecordingObserver();
        // A zero learning rate leaves the weights as they are, so the second evaluation cannot beat the first.
        var options = TrainingSetup.Options(10, learningRate: 0, evalEvery: 1) with { EarlyStoppingPatience = 1 };

        var result = new TrainingLoop(TrainingSetup.Model(), new FullMethod(), TrainingSetup.Data, options, TrainingSetup.PadId, CPU,
            store, observer).Run();

        Assert.True(result.StoppedEarly);
        Assert.Equal(2, result.Steps);
        Assert.Equal(1, result.BestStep);
        Assert.Equal(new[] { true, false }, observer.Evaluations.Select(e => e.Improved));
        Assert.NotNull(store.Find(1)); // the best survives retention
        Assert.NotNull(store.Find(2));
        Assert.Contains(observer.Messages, m => m.StartsWith("early stopping at step 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Cancellation_writes_a_checkpoint_after_the_step_and_the_next_run_resumes_from_it()
    {
        using var dir = new TempDirectory();
        var store = new LocalCheckpointStore(dir.Path);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var first = new TrainingLoop(TrainingSetup.Model(), new FullMethod(), TrainingSetup.Data, TrainingSetup.Options(4),
            TrainingSetup.PadId, CPU, store).Run(cancelled.Token);
        Assert.True(first.Interrupted);
        Assert.Equal(1, first.Steps);
        Assert.Equal(store.Find(1), first.LastCheckpoint);

        var second = new TrainingLoop(TrainingSetup.Model(), new FullMethod(), TrainingSetup.Data, TrainingSetup.Options(4),
            TrainingSetup.PadId, CPU, store).Run();
        Assert.False(second.Interrupted);
        Assert.Equal(1, second.ResumedFromStep);
        Assert.Equal(4, second.Steps);
    }
}
