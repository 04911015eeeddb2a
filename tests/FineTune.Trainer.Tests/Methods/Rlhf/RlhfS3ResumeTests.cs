using System.Security.Cryptography;
using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Models;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Trainer.Tests.Jobs;
using FineTune.Trainer.Tests.Rlhf;
using FineTune.Trainer.Tokenization;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Tests.Methods.Rlhf;

/// <summary>rlhf stages whose model, data, checkpoints and outputs live on a real S3 server (s3rver), each run a new pod.</summary>
public sealed class RlhfS3ResumeTests(S3rverFixture s3) : IClassFixture<S3rverFixture>, IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private readonly string _prefix = $"rlhf-{Guid.NewGuid():N}/";

    private string Root => $"s3://{S3rverFixture.Bucket}/{_prefix}";

    [Fact]
    public async Task An_interrupted_reward_stage_resumes_from_its_s3_checkpoint_to_the_same_reward_model_bit_for_bit()
    {
        var job = await UploadAsync();
        using (var straight = Open(job, "straight"))
            Assert.False(straight.Run(straight.Plan("reward", "straight"), NullTrainingObserver.Instance).Interrupted);

        // SIGTERM during step 1: the step finishes, its checkpoint goes to S3, the stage returns interrupted.
        using var store = S3rverFixture.CreateStore(s3.Server);
        string stage;
        using (var first = Open(job, "first"))
        using (var interrupting = new InterruptingObserver(interruptAtStep: 1))
        {
            var plan = first.Plan("reward", "resumed");
            stage = first.OutputLocation(plan);
            var interrupted = first.Run(plan, interrupting, interrupting.Token);
            Assert.True(interrupted.Interrupted);
            Assert.Equal(1, interrupted.Steps);
            Assert.StartsWith(stage, Assert.Single(interrupting.Recorded.CheckpointReports).Location);
        }
        Assert.Null(await store.StatAsync(StorageUri.Parse(stage + "metrics.json")));
        var checkpoints = new CheckpointStore(store, StorageUri.Parse(stage));
        Assert.Equal(1, (await checkpoints.LatestVerifiedAsync())!.Step);

        // A new pod: nothing local survives, the checkpoint comes back from S3.
        using var second = Open(job, "second");
        using var observer = new InterruptingObserver();
        var resumed = second.Run(second.Plan("reward", "resumed"), observer, observer.Token);

        Assert.Equal(3, resumed.Steps);
        Assert.Equal(1, Assert.Single(observer.Recorded.Starts).ResumedFromStep);
        Assert.Equal([3L], observer.Recorded.Checkpoints.Select(c => c.Step));
        Assert.Equal([3L], (await checkpoints.ListVerifiedAsync()).Select(c => c.Step)); // keepCheckpoints: 1 dropped step 1
        Assert.Equal(await Sha256Async(store, "runs/straight/reward/merged/model.safetensors"),
            await Sha256Async(store, "runs/resumed/reward/merged/model.safetensors"));
    }

    // A tiny GPT-2 with its tokenizer and reverse-words preference pairs under a fresh prefix; reward starts from the
    // base model (the pipeline has no sft stage) and checkpoints when interrupted and at the end (an epoch is 4 steps).
    private async Task<FineTuneJob> UploadAsync()
    {
        var model = _temp.Combine("upload", "model");
        var tokenizer = TokenizerWriter.Write(model, TokenizerPreset.ByteLevel, 128);
        ModelInitializer.Write(model, ModelPresets.Create("gpt2", "tiny", tokenizer.VocabularySize, 128), seed: 3);
        Directory.CreateDirectory(_temp.Combine("upload", "data"));
        ReverseWordsPreferences.WritePreferences(_temp.Combine("upload", "data", "prefs.jsonl"), 16, seed: 21);
        ReverseWordsPreferences.WritePrompts(_temp.Combine("upload", "data", "prompts.jsonl"), 8, seed: 23);
        using (var store = S3rverFixture.CreateStore(s3.Server))
            await store.UploadDirectoryAsync(_temp.Combine("upload"), StorageUri.S3(S3rverFixture.Bucket, _prefix));
        var yaml = $"""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {"{"}name: rlhf-s3{"}"}
            spec:
              method: rlhf
              model: {"{"}uri: {Root}model/{"}"}
              output: {"{"}uri: {Root}runs/, keepCheckpoints: 1{"}"}
              storage: {"{"}endpoint: "{s3.Server.Endpoint.GetLeftPart(UriPartial.Authority)}", credentialsSecret: s3-keys{"}"}
              hyperparameters: {"{"}learningRate: 1.0e-3, batchSize: 4, sequenceLength: 96, seed: 3{"}"}
              rlhf:
                policyMethod: full
                stages:
                  - {"{"}name: reward, dataset: {"{"}uri: {Root}data/prefs.jsonl, format: preference{"}"}, hyperparameters: {"{"}maxSteps: 3{"}"}{"}"}
                  - {"{"}name: ppo, dataset: {"{"}uri: {Root}data/prompts.jsonl, format: prompt{"}"}, hyperparameters: {"{"}maxSteps: 2{"}"}{"}"}
            """;
        var loaded = ManifestLoader.LoadText(yaml, "job.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors) + "\n" + yaml);
        return loaded.Jobs[0];
    }

    private JobSession Open(FineTuneJob job, string pod) =>
        JobSession.Open(job, _temp.Path, _temp.Combine($"scratch-{pod}"), null,
            S3JobHarness.Environment(S3rverProcess.AccessKey, S3rverProcess.SecretKey), S3JobHarness.Retry);

    private async Task<string> Sha256Async(IObjectStore store, string key)
    {
        var local = _temp.Combine("downloads", Guid.NewGuid().ToString("N"));
        await store.GetToFileAsync(StorageUri.S3(S3rverFixture.Bucket, _prefix + key), local);
        await using var file = File.OpenRead(local);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
    }

    public void Dispose() => _temp.Dispose();
}
