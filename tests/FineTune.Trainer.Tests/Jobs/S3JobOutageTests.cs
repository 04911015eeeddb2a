using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.Tests.Fixtures;

namespace FineTune.Trainer.Tests.Jobs;

/// <summary>The S3 server goes away for a few seconds in the middle of a `trainer run` with s3:// outputs.</summary>
public sealed class S3JobOutageTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_run_survives_the_s3_server_stopping_mid_run_and_loses_no_checkpoint()
    {
        await using var server = await S3rverProcess.StartAsync(S3rverFixture.Bucket);
        using var harness = await S3JobHarness.CreateAsync(server);
        var job = harness.Job(steps: 4, keepCheckpoints: 4);
        var events = new RecordingStorageEvents();
        using var session = harness.Open(job, events);
        var plan = session.Plan(null, "outage");

        // Right after step 2, before its checkpoint is saved, the server stops; it comes back a few seconds later.
        Task? restart = null;
        var hook = new StepHook(report =>
        {
            if (report.Step != 2) return;
            server.StopAsync().GetAwaiter().GetResult();
            restart = Task.Delay(Outage).ContinueWith(_ => server.StartAgainAsync()).Unwrap();
        });
        var result = session.Run(plan, hook);
        await restart!.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4, result.Steps);
        Assert.True(events.Retries >= 1, "the checkpoint after step 2 should have met the outage");
        Assert.Equal(0, events.Failures);
        using var store = harness.Store();
        var stage = StorageUri.Parse($"{harness.Root}runs/outage/train/");
        Assert.Equal([1L, 2L, 3L, 4L], (await new CheckpointStore(store, stage).ListVerifiedAsync()).Select(c => c.Step));
        Assert.NotNull(await store.StatAsync(stage.Append("merged/model.safetensors")));
        Assert.NotNull(await store.StatAsync(stage.Append("metrics.json")));
    }
}
