using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Training.Checkpointing;

namespace FineTune.Trainer.Tests.Training;

public sealed class CheckpointStoreTests
{
    private static void Save(LocalCheckpointStore store, long step, double? evalLoss)
    {
        var staging = store.CreateStagingDirectory(step);
        File.WriteAllText(Path.Combine(staging, TrainingCheckpoint.StateFile), "{}");
        var metrics = new Dictionary<string, double> { ["loss"] = 1 };
        if (evalLoss is double l) metrics["eval_loss"] = l;
        store.Commit(staging, step, metrics);
    }

    [Fact]
    public void Keeps_the_newest_checkpoints_and_the_best_one()
    {
        using var dir = new TempDirectory();
        var store = new LocalCheckpointStore(dir.Path, keepLast: 2);
        Save(store, 10, 2.0);
        Save(store, 20, 1.0);
        Save(store, 30, 1.5);
        Save(store, 40, 1.7);
        Save(store, 50, null);

        var left = Directory.GetDirectories(Path.Combine(dir.Path, "checkpoints")).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(new[] { "step-20", "step-40", "step-50" }, left);
        Assert.EndsWith("step-50", store.LatestForResume());
    }

    [Fact]
    public void A_checkpoint_without_its_state_file_is_not_resumed_from()
    {
        using var dir = new TempDirectory();
        var store = new LocalCheckpointStore(dir.Path);
        Save(store, 10, null);
        var broken = Path.Combine(dir.Path, "checkpoints", "step-20");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "model.safetensors"), "partial");

        Assert.EndsWith("step-10", store.LatestForResume());
    }
}
