using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Upft;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Trainer.Tests.Jobs;

namespace FineTune.Trainer.Tests.Methods.Upft;

/// <summary>A upft job whose model, prompts and output are s3:// on a real S3 server, interrupted and resumed in a new pod.</summary>
public sealed class UpftS3Tests(S3rverFixture s3) : IClassFixture<S3rverFixture>
{
    [Fact]
    public async Task S3_prompts_are_read_and_a_new_pod_resumes_with_the_samples_its_s3_checkpoint_carries_bit_for_bit()
    {
        using var harness = await S3JobHarness.CreateAsync(s3.Server);
        using (var prompts = new TempDirectory())
        {
            var file = Path.Combine(prompts.Path, "prompts.jsonl");
            UpftJobFixture.WritePrompts(file, 4);
            using var upload = harness.Store();
            await upload.PutFromFileAsync(StorageUri.Parse($"{harness.Root}data/prompts.jsonl"), file);
        }
        var job = Job(harness);
        using (var straight = harness.Open(job))
            straight.Run(straight.Plan(null, "straight"), new StepHook(_ => { }));

        using var stop = new CancellationTokenSource();
        using (var first = harness.Open(job))
        {
            var interrupted = first.Run(first.Plan(null, "resumed"), new StepHook(r => { if (r.Step == 2) stop.Cancel(); }), stop.Token);
            Assert.True(interrupted.Interrupted);
        }
        using var store = harness.Store();
        var stage = StorageUri.Parse($"{harness.Root}runs/resumed/train/");
        var checkpoint = (await new CheckpointStore(store, stage).LatestVerifiedAsync())!;
        Assert.Equal(2, checkpoint.Step);
        Assert.NotNull(await store.StatAsync(stage.Append($"checkpoints/step-2/{UpftSampleSet.FileName}")));

        // A new pod: its scratch space is empty, so the samples can only come from the S3 checkpoint.
        using var second = harness.Open(job);
        var hook = new StepHook(_ => { });
        var resumed = second.Run(second.Plan(null, "resumed"), hook);
        Assert.Equal(4, resumed.Steps);
        Assert.Contains(hook.Messages, m => m.StartsWith("upft: resuming with the 8 samples of", StringComparison.Ordinal));
        Assert.Equal(await harness.Sha256Async(store, "runs/straight/train/merged/model.safetensors"),
            await harness.Sha256Async(store, "runs/resumed/train/merged/model.safetensors"));
    }

    private FineTuneJob Job(S3JobHarness harness)
    {
        var yaml = $$"""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {name: s3-upft}
            spec:
              method: upft
              model: {uri: {{harness.Root}}model/}
              output: {uri: {{harness.Root}}runs/}
              storage: {endpoint: "{{s3.Server.Endpoint.GetLeftPart(UriPartial.Authority)}}", credentialsSecret: s3-keys}
              upft: {promptsUri: {{harness.Root}}data/prompts.jsonl, prefixTokens: 4, structureRatio: 0.25, samplesPerPrompt: 2, maxNewTokens: 6, temperature: 1.0}
              hyperparameters: {maxSteps: 4, batchSize: 2, sequenceLength: 96, learningRate: 0.01, checkpointEverySteps: 2, seed: 3}
            """;
        var loaded = ManifestLoader.LoadText(yaml, "job.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        return loaded.Jobs[0];
    }
}
