using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Local;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Trainer.Tests.Storage.S3;

namespace FineTune.Trainer.Tests.Storage.Local;

public sealed class LocalObjectStoreTests
{
    [Fact]
    public async Task Files_round_trip_and_listing_matches_s3_prefix_semantics()
    {
        using var temp = new TemporaryDirectory();
        var store = new LocalObjectStore();
        var root = StorageUri.Local(temp.Combine("store") + "/");
        var source = temp.WriteRandomFile("source.bin", 3 << 20, seed: 4);
        foreach (var key in new[] { "a/1", "a/sub/2", "ab/3", "b/4" })
            await store.PutFromFileAsync(root.Append(key), source);

        var underA = await store.ListAsync(root.Append("a/"));
        var startingWithA = await store.ListAsync(root.Append("a"));
        await store.GetToFileAsync(root.Append("a/sub/2"), temp.Combine("copy.bin"));

        Assert.Equal(["a/1", "a/sub/2"], underA.Select(o => root.RelativePathOf(o.Uri)));
        Assert.Equal(["a/1", "a/sub/2", "ab/3"], startingWithA.Select(o => root.RelativePathOf(o.Uri)));
        Assert.Equal(await S3ObjectStoreTests.Sha256(source), await S3ObjectStoreTests.Sha256(temp.Combine("copy.bin")));
        Assert.Empty(await store.ListAsync(root.Append("none/")));
    }

    [Fact]
    public async Task Files_being_written_are_invisible_and_a_failed_write_leaves_nothing()
    {
        using var temp = new TemporaryDirectory();
        var store = new LocalObjectStore();
        var target = StorageUri.Local(temp.Combine("out", "object.bin"));
        using var cancel = new CancellationTokenSource();
        await using var source = new PausingStream(new MemoryStream(new byte[4 << 20]), pauseAfter: 1 << 20);

        var put = store.PutFromStreamAsync(target, source, 4 << 20, cancel.Token);
        await source.Paused.WaitAsync(TimeSpan.FromSeconds(10));
        var whileWriting = await store.ListAsync(StorageUri.Local(temp.Combine("out") + "/"));
        var statWhileWriting = await store.StatAsync(target);
        cancel.Cancel();
        source.Resume();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put);

        Assert.Empty(whileWriting);
        Assert.Null(statWhileWriting);
        Assert.Empty(Directory.EnumerateFiles(temp.Combine("out")));
    }

    [Fact]
    public async Task A_missing_file_is_reported_by_path()
    {
        using var temp = new TemporaryDirectory();
        var store = new LocalObjectStore();
        var missing = StorageUri.Local(temp.Combine("nothing.bin"));

        Assert.Null(await store.StatAsync(missing));
        var error = await Assert.ThrowsAsync<StorageException>(() => store.GetToStreamAsync(missing, new MemoryStream()));
        Assert.Equal(StorageErrorKind.NotFound, error.Kind);
        Assert.Contains(missing.Key, error.Message);
    }
}
