using System.Security.Cryptography;
using FineTune.Api.Contract;
using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Data.Tasks;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Models;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Resilience;
using FineTune.Trainer.Storage.S3;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Tests.Jobs;

/// <summary>
/// A FineTuneJob whose model, datasets and output all live on a real S3 server (s3rver): a tiny GPT-2 model and the
/// reverse-words task are uploaded under a fresh prefix, and each run gets its own scratch directory (a new pod).
/// </summary>
internal sealed class S3JobHarness : IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private readonly S3rverProcess _server;
    private int _sessions;

    private S3JobHarness(S3rverProcess server, string prefix)
    {
        _server = server;
        Prefix = prefix;
    }

    /// <summary>The key prefix everything of this test lives under.</summary>
    public string Prefix { get; }

    /// <summary>s3://bucket/prefix/.</summary>
    public string Root => $"s3://{S3rverFixture.Bucket}/{Prefix}";

    /// <summary>Quick retries: a few seconds of outage are survived within a test's time.</summary>
    public static RetryOptions Retry { get; } = new() { MaxAttempts = 12, InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2) };

    /// <summary>Uploads a tiny model and the datasets to <paramref name="server"/>.</summary>
    public static async Task<S3JobHarness> CreateAsync(S3rverProcess server)
    {
        var harness = new S3JobHarness(server, $"jobs-{Guid.NewGuid():N}/");
        var model = harness._temp.Combine("upload", "model");
        var tokenizer = TokenizerWriter.Write(model, TokenizerPreset.ByteLevel, 128);
        ModelInitializer.Write(model, ModelPresets.Create("gpt2", "tiny", tokenizer.VocabularySize, 128), seed: 3);
        ReverseWordsTask.WriteJsonl(harness._temp.Combine("upload", "data", "train.jsonl"), 64, ReverseWordsTask.TrainSeed);
        ReverseWordsTask.WriteJsonl(harness._temp.Combine("upload", "data", "val.jsonl"), 16, ReverseWordsTask.ValidationSeed);
        using var store = S3rverFixture.CreateStore(server);
        await store.UploadDirectoryAsync(harness._temp.Combine("upload"), StorageUri.S3(S3rverFixture.Bucket, harness.Prefix));
        return harness;
    }

    /// <summary>The job: full fine-tuning for <paramref name="steps"/> steps, checkpoints every step.</summary>
    public FineTuneJob Job(int steps, long? evalEvery = null, int keepCheckpoints = 3)
    {
        var yaml = $"""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {"{"}name: s3-job{"}"}
            spec:
              method: full
              model: {"{"}uri: {Root}model/{"}"}
              dataset: {"{"}uri: {Root}data/train.jsonl, validationUri: {Root}data/val.jsonl, format: instruction{"}"}
              output: {"{"}uri: {Root}runs/, keepCheckpoints: {keepCheckpoints}{"}"}
              storage: {"{"}endpoint: "{_server.Endpoint.GetLeftPart(UriPartial.Authority)}", credentialsSecret: s3-keys{"}"}
              hyperparameters: {"{"}maxSteps: {steps}, batchSize: 8, sequenceLength: 128, learningRate: 0.003, checkpointEverySteps: 1{(evalEvery is { } e ? $", evalEverySteps: {e}" : "")}{"}"}
            """;
        var loaded = ManifestLoader.LoadText(yaml, "job.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        return loaded.Jobs[0];
    }

    /// <summary>A session as a fresh pod would open it: its own scratch directory, keys from the "environment".</summary>
    public JobSession Open(FineTuneJob job, IStorageEvents? events = null, string accessKey = S3rverProcess.AccessKey,
        string secretKey = S3rverProcess.SecretKey) =>
        JobSession.Open(job, _temp.Path, _temp.Combine($"scratch-{Interlocked.Increment(ref _sessions)}"), events,
            Environment(accessKey, secretKey), Retry);

    /// <summary>The environment a pod gets: the storage keys.</summary>
    public static Func<string, string?> Environment(string accessKey, string secretKey) => name => name switch
    {
        TrainerEnvironment.AccessKey => accessKey,
        TrainerEnvironment.SecretKey => secretKey,
        _ => null,
    };

    /// <summary>A store with the server's keys to look at what the trainer left.</summary>
    public S3ObjectStore Store() => S3rverFixture.CreateStore(_server);

    /// <summary>A stored object's SHA-256 (hex), downloaded into the temporary directory.</summary>
    public async Task<string> Sha256Async(IObjectStore store, string key)
    {
        var local = _temp.Combine("downloads", Guid.NewGuid().ToString("N"));
        await store.GetToFileAsync(StorageUri.S3(S3rverFixture.Bucket, Prefix + key), local);
        await using var file = File.OpenRead(local);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
    }

    /// <inheritdoc />
    public void Dispose() => _temp.Dispose();
}
