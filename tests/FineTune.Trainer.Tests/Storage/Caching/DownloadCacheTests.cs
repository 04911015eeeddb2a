using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Caching;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Trainer.Tests.Storage.S3;

namespace FineTune.Trainer.Tests.Storage.Caching;

/// <summary>The download cache against a real S3 server (s3rver).</summary>
public sealed class DownloadCacheTests(S3rverFixture s3) : IClassFixture<S3rverFixture>
{
    [Fact]
    public async Task An_unchanged_object_is_served_from_the_cache_and_a_changed_one_is_downloaded_again()
    {
        using var temp = new TemporaryDirectory();
        using var store = s3.CreateStore();
        var uri = StorageUri.S3(S3rverFixture.Bucket, "cache/data.jsonl");
        await S3ObjectStoreTests.Put(store, "cache/data.jsonl", "version one");
        var cache = new DownloadCache(store, temp.Combine("cache"));

        var first = await cache.GetFileAsync(uri);
        var second = await cache.GetFileAsync(uri);
        Assert.Equal((1, 1), (cache.Misses, cache.Hits));
        Assert.Equal(first, second);

        await S3ObjectStoreTests.Put(store, "cache/data.jsonl", "version two, longer");
        var third = await cache.GetFileAsync(uri);

        Assert.Equal((2, 1), (cache.Misses, cache.Hits));
        Assert.Equal("version two, longer", await File.ReadAllTextAsync(third));
        Assert.Equal("version one", await File.ReadAllTextAsync(first));
    }

    [Fact]
    public async Task A_directory_is_reused_while_nothing_under_it_changes()
    {
        using var temp = new TemporaryDirectory();
        using var store = s3.CreateStore();
        await S3ObjectStoreTests.Put(store, "cache-dir/model/config.json", "{}");
        await S3ObjectStoreTests.Put(store, "cache-dir/model/weights/w.bin", "weights");
        var cache = new DownloadCache(store, temp.Combine("cache"));
        var prefix = StorageUri.S3(S3rverFixture.Bucket, "cache-dir/model/");

        var first = await cache.GetDirectoryAsync(prefix);
        var missesAfterFirst = cache.Misses;
        var second = await cache.GetDirectoryAsync(prefix);
        await S3ObjectStoreTests.Put(store, "cache-dir/model/config.json", "{\"changed\": true}");
        var third = await cache.GetDirectoryAsync(prefix);

        Assert.Equal(2, missesAfterFirst);
        Assert.Equal(first, second);
        Assert.NotEqual(first, third);
        Assert.Equal(3, cache.Misses); // only the changed file was downloaded again
        Assert.Equal("weights", await File.ReadAllTextAsync(Path.Combine(third, "weights", "w.bin")));
        Assert.Equal("{\"changed\": true}", await File.ReadAllTextAsync(Path.Combine(third, "config.json")));
    }

    [Fact]
    public async Task Local_paths_are_used_in_place()
    {
        using var temp = new TemporaryDirectory();
        using var store = s3.CreateStore();
        var path = temp.WriteRandomFile("local.bin", 10, 1);
        var cache = new DownloadCache(store, temp.Combine("cache"));

        Assert.Equal(path, await cache.GetFileAsync(StorageUri.Local(path)));
        Assert.Equal(0, cache.Misses);
    }
}
