using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.Storage.Local;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Trainer.Training.Checkpointing;

namespace FineTune.Trainer.Tests.Training.Checkpointing;

/// <summary>The grace budget after SIGTERM ends while a checkpoint is being saved to the object store.</summary>
public sealed class ObjectStoreCheckpointDeadlineTests
{
    [Fact]
    public async Task A_save_aborted_by_the_deadline_commits_nothing_and_resume_keeps_the_previous_checkpoint()
    {
        using var temp = new TemporaryDirectory();
        var storage = new CheckpointStore(new LocalObjectStore(), StorageUri.Local(temp.Combine("run") + "/"));
        using var deadline = new CancellationTokenSource();
        var store = new ObjectStoreCheckpointStore(storage, temp.Combine("scratch"), deadline.Token);

        var first = store.CreateStagingDirectory(1);
        temp.WriteRandomFile(Path.Combine(Path.GetRelativePath(temp.Path, first), "model.safetensors"), 1 << 16, seed: 1);
        store.Commit(first, 1, new Dictionary<string, double>());

        var second = store.CreateStagingDirectory(2);
        temp.WriteRandomFile(Path.Combine(Path.GetRelativePath(temp.Path, second), "model.safetensors"), 1 << 16, seed: 2);
        deadline.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => store.Commit(second, 2, new Dictionary<string, double>()));

        Assert.Equal([1L], (await storage.ListVerifiedAsync()).Select(c => c.Step));
        Assert.Equal(1, (await storage.RestoreLatestAsync(temp.Combine("restored")))!.Step);
    }
}
