using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.Storage.Local;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Trainer.Tests.Storage.S3;

namespace FineTune.Trainer.Tests.Storage.Checkpoints;

/// <summary>Every checkpoint behaviour, run against a real S3 server (s3rver) and against a local directory.</summary>
public sealed class CheckpointStoreTests(S3rverFixture s3) : IClassFixture<S3rverFixture>, IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private readonly List<IDisposable> _stores = [];

    public static TheoryData<string> Backends => ["s3", "local"];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_saved_checkpoint_restores_byte_for_byte(string backend)
    {
        var (store, run) = Open(backend);
        var checkpoints = new CheckpointStore(store, run);
        var local = WriteCheckpoint("ckpt", seed: 1);

        var saved = await checkpoints.SaveAsync(local, step: 10, new Dictionary<string, double> { ["eval_loss"] = 1.5 });
        var restored = await checkpoints.RestoreLatestAsync(_temp.Combine("restored"));

        Assert.Equal(10, restored!.Step);
        Assert.Equal(4, saved.Manifest.Files.Count);
        Assert.Equal(1.5, restored.Manifest.Metrics["eval_loss"]);
        await AssertSameFiles(local, _temp.Combine("restored"));
        Assert.Equal(run.Append("checkpoints/step-10/").ToString(), saved.Location.ToString());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_save_that_dies_mid_upload_leaves_the_previous_checkpoint_as_latest(string backend)
    {
        var (store, run) = Open(backend);
        await new CheckpointStore(store, run).SaveAsync(WriteCheckpoint("good", seed: 1), step: 10);

        var dying = new CheckpointStore(new FailingPutStore(store, failAtPut: 3), run, parallelism: 1);
        await Assert.ThrowsAsync<IOException>(() => dying.SaveAsync(WriteCheckpoint("partial", seed: 2), step: 20));

        var checkpoints = new CheckpointStore(store, run);
        Assert.NotEmpty(await store.ListAsync(checkpoints.LocationOf(20))); // the partial upload is there...
        Assert.Equal(10, (await checkpoints.LatestVerifiedAsync())!.Step); // ...and not trusted
        Assert.Equal(10, (await checkpoints.RestoreLatestAsync(_temp.Combine("restored")))!.Step);
        await AssertSameFiles(_temp.Combine("good"), _temp.Combine("restored"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_corrupted_file_of_the_same_size_is_caught_on_download_and_the_previous_checkpoint_used(string backend)
    {
        var (store, run) = Open(backend);
        var checkpoints = new CheckpointStore(store, run);
        await checkpoints.SaveAsync(WriteCheckpoint("ten", seed: 1), step: 10);
        await checkpoints.SaveAsync(WriteCheckpoint("twenty", seed: 2), step: 20);
        var victim = checkpoints.LocationOf(20).Append("model.safetensors");
        var size = (await store.StatAsync(victim))!.Size;
        await store.PutFromFileAsync(victim, _temp.WriteRandomFile("garbage.bin", size, seed: 99));

        var latest = await checkpoints.LatestVerifiedAsync();
        var restored = await checkpoints.RestoreLatestAsync(_temp.Combine("restored"));

        Assert.Equal(20, latest!.Step); // sizes still match: only the hash can tell
        Assert.Equal(10, restored!.Step);
        await AssertSameFiles(_temp.Combine("ten"), _temp.Combine("restored"));
        await Assert.ThrowsAsync<CheckpointCorruptException>(() => checkpoints.DownloadAsync(latest, _temp.Combine("direct")));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Truncated_files_missing_files_and_unreadable_manifests_are_not_trusted(string backend)
    {
        var (store, run) = Open(backend);
        var checkpoints = new CheckpointStore(store, run, new CheckpointRetention { KeepLast = 10 });
        foreach (var step in new[] { 10, 20, 30, 40 })
            await checkpoints.SaveAsync(WriteCheckpoint($"s{step}", seed: step), step);

        await PutText(store, checkpoints.LocationOf(20).Append("optimizer.bin"), "short");
        await store.DeleteAsync(checkpoints.LocationOf(30).Append("nested/extra.json"));
        await PutText(store, checkpoints.LocationOf(40).Append(CheckpointStore.ManifestName), "{ not json");

        var verified = await checkpoints.ListVerifiedAsync();

        Assert.Equal([10], verified.Select(c => c.Step));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Retention_keeps_the_last_k_and_the_best_and_removes_incomplete_steps(string backend)
    {
        var (store, run) = Open(backend);
        var checkpoints = new CheckpointStore(store, run, new CheckpointRetention { KeepLast = 2, BestMetric = "eval_loss" });
        var losses = new[] { 0.9, 0.3, 0.5, 0.6, 0.7 };
        await PutText(store, checkpoints.LocationOf(25).Append("model.safetensors"), "left by a killed save");
        for (var i = 0; i < losses.Length; i++)
            await checkpoints.SaveAsync(WriteCheckpoint($"s{i}", seed: i), step: (i + 1) * 10,
                new Dictionary<string, double> { ["eval_loss"] = losses[i] });

        var verified = await checkpoints.ListVerifiedAsync();
        var remaining = await store.ListAsync(checkpoints.CheckpointsPrefix);

        Assert.Equal([20, 40, 50], verified.Select(c => c.Step));
        Assert.Equal(20, checkpoints.Best(verified)!.Step);
        Assert.Equal(new[] { "step-20/", "step-40/", "step-50/" },
            remaining.Select(o => checkpoints.CheckpointsPrefix.RelativePathOf(o.Uri).Split('/')[0] + "/").Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Saving_a_step_again_replaces_it_without_stale_files(string backend)
    {
        var (store, run) = Open(backend);
        var checkpoints = new CheckpointStore(store, run);
        await checkpoints.SaveAsync(WriteCheckpoint("first", seed: 1), step: 10);
        var second = WriteCheckpoint("second", seed: 2);
        File.Delete(Path.Combine(second, "nested", "extra.json"));

        await checkpoints.SaveAsync(second, step: 10);
        var restored = await checkpoints.RestoreLatestAsync(_temp.Combine("restored"));

        Assert.Equal(10, restored!.Step);
        Assert.Equal(3, restored.Manifest.Files.Count);
        Assert.DoesNotContain(await store.ListAsync(checkpoints.LocationOf(10)), o => o.Uri.Name == "extra.json");
        await AssertSameFiles(second, _temp.Combine("restored"));
    }

    [Fact]
    public async Task No_checkpoint_means_start_from_scratch()
    {
        var (store, run) = Open("s3");
        var checkpoints = new CheckpointStore(store, run);

        Assert.Null(await checkpoints.LatestVerifiedAsync());
        Assert.Null(await checkpoints.RestoreLatestAsync(_temp.Combine("restored")));
    }

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
        _temp.Dispose();
    }

    private (IObjectStore Store, StorageUri Run) Open(string backend)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        if (backend == "local")
            return (new LocalObjectStore(), StorageUri.Local(_temp.Combine("store", runId) + "/"));
        var store = s3.CreateStore();
        _stores.Add(store);
        return (store, StorageUri.S3(S3rverFixture.Bucket, $"runs/{runId}/"));
    }

    private string WriteCheckpoint(string name, int seed)
    {
        _temp.WriteRandomFile($"{name}/model.safetensors", (1 << 20) + seed, seed);
        _temp.WriteRandomFile($"{name}/optimizer.bin", 512 << 10, seed + 1000);
        File.WriteAllText(_temp.Combine(name, "trainer_state.json"), $"{{\"seed\": {seed}}}");
        _temp.WriteRandomFile($"{name}/nested/extra.json", 100, seed + 2000);
        return _temp.Combine(name);
    }

    private static async Task PutText(IObjectStore store, StorageUri uri, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        using var body = new MemoryStream(bytes);
        await store.PutFromStreamAsync(uri, body, bytes.Length);
    }

    private static async Task AssertSameFiles(string expected, string actual)
    {
        var expectedFiles = Directory.EnumerateFiles(expected, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(expected, p)).Order().ToList();
        var actualFiles = Directory.EnumerateFiles(actual, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(actual, p)).Order().ToList();
        Assert.Equal(expectedFiles, actualFiles);
        foreach (var file in expectedFiles)
            Assert.Equal(await S3ObjectStoreTests.Sha256(Path.Combine(expected, file)), await S3ObjectStoreTests.Sha256(Path.Combine(actual, file)));
    }
}
