using System.Text.Json;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.Tests.Fixtures;

namespace FineTune.Trainer.Tests.Jobs;

/// <summary>`trainer run` jobs whose model, datasets and output are all s3:// on a real S3 server.</summary>
public sealed class S3JobRunTests(S3rverFixture s3) : IClassFixture<S3rverFixture>
{
    [Fact]
    public async Task A_job_with_s3_model_data_and_output_runs_to_the_end_with_its_outputs_in_s3()
    {
        using var harness = await S3JobHarness.CreateAsync(s3.Server);
        var job = harness.Job(steps: 3, evalEvery: 3, keepCheckpoints: 2);
        using var session = harness.Open(job);
        var plan = session.Plan(null, "r1");
        Assert.StartsWith(session.ScratchDirectory, plan.ModelDirectory);

        var result = session.Run(plan, new StepHook(_ => { }));

        Assert.Equal(3, result.Steps);
        var stage = $"{harness.Root}runs/r1/train/";
        Assert.Equal(stage, session.OutputLocation(plan));
        Assert.Equal(stage + "merged/", result.Outputs["merged"]);
        using var store = harness.Store();
        var keys = (await store.ListAsync(StorageUri.Parse(stage))).Select(o => o.Uri.ToString()[stage.Length..]).ToHashSet();
        foreach (var key in new[] { "merged/model.safetensors", "merged/config.json", "merged/tokenizer.json", "metrics.json" })
            Assert.Contains(key, keys);
        // keepCheckpoints: 2 → the newest two of steps 1..3 stay, each committed by its manifest.
        var checkpoints = new CheckpointStore(store, StorageUri.Parse(stage));
        Assert.Equal([2L, 3L], (await checkpoints.ListVerifiedAsync()).Select(c => c.Step));

        using var metrics = new MemoryStream();
        await store.GetToStreamAsync(StorageUri.Parse(stage + "metrics.json"), metrics);
        var summary = JsonDocument.Parse(metrics.ToArray()).RootElement;
        Assert.Equal(3, summary.GetProperty("steps").GetInt64());
        Assert.Equal(stage + "merged/", summary.GetProperty("outputs").GetProperty("merged").GetString());
        Assert.True(summary.GetProperty("eval").GetProperty("loss").GetDouble() > 0);
    }

    [Fact]
    public async Task An_interrupted_run_resumes_from_its_s3_checkpoint_to_the_same_final_weights_bit_for_bit()
    {
        using var harness = await S3JobHarness.CreateAsync(s3.Server);
        var job = harness.Job(steps: 5);
        using (var straight = harness.Open(job))
            straight.Run(straight.Plan(null, "straight"), new StepHook(_ => { }));

        // SIGTERM after step 2: the step finishes, its checkpoint goes to S3, the run returns interrupted.
        using var stop = new CancellationTokenSource();
        using (var first = harness.Open(job))
        {
            var interrupted = first.Run(first.Plan(null, "resumed"), new StepHook(r => { if (r.Step == 2) stop.Cancel(); }), stop.Token);
            Assert.True(interrupted.Interrupted);
            Assert.Equal(2, interrupted.Steps);
        }
        using var store = harness.Store();
        var stage = StorageUri.Parse($"{harness.Root}runs/resumed/train/");
        Assert.Null(await store.StatAsync(stage.Append("metrics.json")));
        Assert.Equal(2, (await new CheckpointStore(store, stage).LatestVerifiedAsync())!.Step);

        // A new pod: nothing local survives, the checkpoint comes back from S3.
        using var second = harness.Open(job);
        var hook = new StepHook(_ => { });
        var resumed = second.Run(second.Plan(null, "resumed"), hook);
        Assert.Equal(5, resumed.Steps);
        Assert.Contains(hook.Messages, m => m.StartsWith("resuming from", StringComparison.Ordinal) && m.Contains("step 2", StringComparison.Ordinal));
        Assert.Equal([3L, 4L, 5L], hook.Checkpoints);

        Assert.Equal(await harness.Sha256Async(store, "runs/straight/train/merged/model.safetensors"),
            await harness.Sha256Async(store, "runs/resumed/train/merged/model.safetensors"));
    }

    [Fact]
    public async Task Wrong_credentials_fail_before_training_naming_endpoint_and_bucket_and_never_the_secret()
    {
        const string secret = "not-the-secret-8237";
        using var harness = await S3JobHarness.CreateAsync(s3.Server);
        using var session = harness.Open(harness.Job(steps: 2), accessKey: "WRONGACCESSKEY", secretKey: secret);

        var error = Assert.Throws<JobInputException>(() => session.Plan(null, "r1"));

        Assert.StartsWith("spec.model.uri: ", error.Message);
        Assert.Contains(s3.Server.Endpoint.GetLeftPart(UriPartial.Authority), error.Message);
        Assert.Contains($"bucket '{S3rverFixture.Bucket}'", error.Message);
        Assert.DoesNotContain(secret, error.ToString());
    }

    [Fact]
    public async Task An_s3_output_without_a_storage_block_is_refused_naming_the_field()
    {
        using var harness = await S3JobHarness.CreateAsync(s3.Server);
        var job = harness.Job(steps: 1);
        job.Spec.Storage = null;

        var error = Assert.Throws<JobInputException>(() => harness.Open(job));

        Assert.StartsWith("spec.output.uri: ", error.Message);
        Assert.Contains("spec.storage", error.Message);
    }
}
