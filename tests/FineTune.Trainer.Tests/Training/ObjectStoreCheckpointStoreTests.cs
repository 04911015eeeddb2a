using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.Storage.Local;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Training;

public sealed class ObjectStoreCheckpointStoreTests
{
    private static ObjectStoreCheckpointStore Store(string root, string scratch) =>
        new(new CheckpointStore(new LocalObjectStore(), StorageUri.Local(Path.Combine(root, "run") + "/")), scratch);

    [Fact]
    public void The_loop_saves_through_the_storage_checkpoint_store_and_resumes_exactly_from_it()
    {
        using var root = new TempDirectory();
        using var straightDir = new TempDirectory();
        var options = TrainingSetup.Options(4, checkpointEvery: 2);
        var straight = TrainingSetup.Model();
        new TrainingLoop(straight, new FullMethod(), TrainingSetup.Data, options, TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(straightDir.Path)).Run();

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var first = new TrainingLoop(TrainingSetup.Model(), new FullMethod(), TrainingSetup.Data, options, TrainingSetup.PadId, CPU,
            Store(root.Path, Path.Combine(root.Path, "scratch-1"))).Run(cancelled.Token);
        Assert.True(first.Interrupted);
        Assert.Contains("checkpoints/step-1/", first.LastCheckpoint);

        // A new process: fresh scratch space, everything comes back from the store.
        var resumed = TrainingSetup.Model(seed: 77);
        var second = new TrainingLoop(resumed, new FullMethod(), TrainingSetup.Data, options, TrainingSetup.PadId, CPU,
            Store(root.Path, Path.Combine(root.Path, "scratch-2"))).Run();
        Assert.Equal(1, second.ResumedFromStep);
        Assert.Equal(4, second.Steps);

        var expected = TrainingSetup.Snapshot(straight);
        foreach (var (name, value) in TrainingSetup.Snapshot(resumed))
            Assert.True(TrainingSetup.Same(value, expected[name]), $"parameter {name} differs after resuming from the object store");
    }
}
