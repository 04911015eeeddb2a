using System.Security.Cryptography;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.S3;
using FineTune.Trainer.Tests.Fixtures;
using Xunit.Abstractions;

namespace FineTune.Trainer.Tests.Storage.S3;

/// <summary>The S3 store against a real S3 server (s3rver).</summary>
public sealed class S3ObjectStoreTests(S3rverFixture s3, ITestOutputHelper output) : IClassFixture<S3rverFixture>
{
    private static StorageUri Uri(string key) => StorageUri.S3(S3rverFixture.Bucket, key);

    [Fact]
    public async Task Large_object_round_trips_through_files_while_memory_stays_bounded()
    {
        using var temp = new TemporaryDirectory();
        const long size = 64L << 20;
        var source = temp.WriteRandomFile("source.bin", size, seed: 1);
        using var store = s3.CreateStore();

        var (putPeak, _) = await MemorySampler.PeakDuringAsync(() => store.PutFromFileAsync(Uri("large/object.bin"), source));
        var (getPeak, _) = await MemorySampler.PeakDuringAsync(() => store.GetToFileAsync(Uri("large/object.bin"), temp.Combine("copy.bin")));
        output.WriteLine($"peak managed heap growth: put {putPeak >> 20} MiB, get {getPeak >> 20} MiB");

        Assert.Equal(size, new FileInfo(temp.Combine("copy.bin")).Length);
        Assert.Equal(await Sha256(source), await Sha256(temp.Combine("copy.bin")));
        Assert.Equal(size, (await store.StatAsync(Uri("large/object.bin")))!.Size);
        // Measured: the SDK's multipart upload holds about 48 MiB of part buffers whatever the object size (the same for
        // 16, 64 and 128 MiB); the download streams through a 1 MiB buffer. Neither holds the object.
        Assert.True(putPeak < size, $"managed heap grew by {putPeak >> 20} MiB during a {size >> 20} MiB upload");
        Assert.True(getPeak < 16 << 20, $"managed heap grew by {getPeak >> 20} MiB during a {size >> 20} MiB download");
    }

    [Fact]
    public async Task Listing_returns_exactly_the_objects_under_a_prefix()
    {
        using var store = s3.CreateStore();
        foreach (var key in new[] { "list/a/1", "list/a/2", "list/a/sub/3", "list/ab/4", "list/b/5" })
            await Put(store, key, key);

        var underA = await store.ListAsync(Uri("list/a/"));
        var startingWithA = await store.ListAsync(Uri("list/a"));

        Assert.Equal(["list/a/1", "list/a/2", "list/a/sub/3"], underA.Select(o => o.Uri.Key));
        Assert.Equal(["list/a/1", "list/a/2", "list/a/sub/3", "list/ab/4"], startingWithA.Select(o => o.Uri.Key));
        Assert.All(underA, o => Assert.Equal(o.Uri.Key.Length, o.Size));
        Assert.Empty(await store.ListAsync(Uri("list/none/")));
    }

    [Fact]
    public async Task Listing_goes_past_the_first_page_of_a_thousand_keys()
    {
        using var store = s3.CreateStore();
        const int count = 1010;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => await Put(store, $"many/{i:D5}", "x"));

        var listed = await store.ListAsync(Uri("many/"));

        Assert.Equal(count, listed.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"many/{i:D5}"), listed.Select(o => o.Uri.Key));
    }

    [Fact]
    public async Task Stat_of_a_missing_object_is_null_and_get_names_it()
    {
        using var store = s3.CreateStore();

        Assert.Null(await store.StatAsync(Uri("missing/object")));
        var error = await Assert.ThrowsAsync<StorageException>(() => store.GetToStreamAsync(Uri("missing/object"), new MemoryStream()));

        Assert.Equal(StorageErrorKind.NotFound, error.Kind);
        Assert.Contains("s3://test-bucket/missing/object", error.Message);
    }

    [Fact]
    public async Task Put_replaces_an_object_and_changes_its_etag_and_delete_removes_it()
    {
        using var store = s3.CreateStore();
        var first = await Put(store, "replace/x", "first");
        var second = await Put(store, "replace/x", "second version");

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("second version", await Get(store, "replace/x"));
        await store.DeleteAsync(Uri("replace/x"));
        Assert.Null(await store.StatAsync(Uri("replace/x")));
        await store.DeleteAsync(Uri("replace/x")); // deleting again is fine
    }

    [Fact]
    public async Task Directories_copy_up_and_down_with_their_relative_paths()
    {
        using var temp = new TemporaryDirectory();
        temp.WriteRandomFile("model/config.json", 100, 1);
        temp.WriteRandomFile("model/weights/part-1.bin", 3 << 20, 2);
        temp.WriteRandomFile("model/weights/part-2.bin", 7 << 20, 3);
        using var store = s3.CreateStore();

        var uploaded = await store.UploadDirectoryAsync(temp.Combine("model"), Uri("dirs/model/"));
        var downloaded = await store.DownloadDirectoryAsync(Uri("dirs/model"), temp.Combine("back"));

        Assert.Equal(3, uploaded.Count);
        Assert.Equal(["dirs/model/config.json", "dirs/model/weights/part-1.bin", "dirs/model/weights/part-2.bin"],
            downloaded.Select(o => o.Uri.Key));
        foreach (var relative in new[] { "config.json", "weights/part-1.bin", "weights/part-2.bin" })
            Assert.Equal(await Sha256(temp.Combine("model", relative)), await Sha256(temp.Combine("back", relative)));
    }

    [Fact]
    public async Task Wrong_credentials_fail_at_once_naming_endpoint_and_bucket_and_never_the_secret()
    {
        const string secret = "wrong-secret-value-1234";
        var log = new RecordingLogger();
        var events = new RecordingStorageEvents();
        using var store = s3.CreateStore(log, events, new S3Credentials("WRONGACCESSKEY", secret));
        using var body = new MemoryStream([1, 2, 3]);

        var errors = new List<StorageException>
        {
            await Assert.ThrowsAsync<StorageException>(() => store.PutFromStreamAsync(Uri("creds/x"), body, 3)),
            await Assert.ThrowsAsync<StorageException>(() => store.ListAsync(Uri("creds/"))),
            await Assert.ThrowsAsync<StorageException>(() => store.GetToStreamAsync(Uri("creds/x"), new MemoryStream())),
        };

        Assert.Equal(0, events.Retries);
        Assert.NotEmpty(log.Lines);
        foreach (var error in errors)
        {
            Assert.Equal(StorageErrorKind.AccessDenied, error.Kind);
            Assert.Contains(s3.Server.Endpoint.GetLeftPart(UriPartial.Authority), error.Message);
            Assert.Contains("bucket 'test-bucket'", error.Message);
            Assert.DoesNotContain(secret, error.ToString());
        }

        Assert.All(log.Lines, line => Assert.DoesNotContain(secret, line));
    }

    [Fact]
    public async Task Missing_bucket_fails_at_once_naming_the_bucket()
    {
        var events = new RecordingStorageEvents();
        using var store = s3.CreateStore(events: events);
        using var body = new MemoryStream([1, 2, 3]);

        var error = await Assert.ThrowsAsync<StorageException>(() =>
            store.PutFromStreamAsync(StorageUri.Parse("s3://no-such-bucket/x"), body, 3));

        Assert.Equal(StorageErrorKind.MissingBucket, error.Kind);
        Assert.Contains("bucket 'no-such-bucket' does not exist", error.Message);
        Assert.Equal(0, events.Retries);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_retried_then_reported_with_the_endpoint()
    {
        var log = new RecordingLogger();
        var events = new RecordingStorageEvents();
        using var store = new S3ObjectStore(new S3StoreOptions
        {
            Endpoint = new System.Uri("http://127.0.0.1:1"),
            Credentials = new S3Credentials(S3rverProcess.AccessKey, S3rverProcess.SecretKey),
            Retry = new() { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(10) },
        }, log, events);

        var error = await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(Uri("x")));

        Assert.Equal(StorageErrorKind.Unavailable, error.Kind);
        Assert.Equal(2, events.Retries);
        Assert.Contains("http://127.0.0.1:1", error.Message);
        Assert.Contains("after 3 attempt(s)", error.Message);
    }

    internal static async Task<StoredObject> Put(IObjectStore store, string key, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        using var body = new MemoryStream(bytes);
        return await store.PutFromStreamAsync(Uri(key), body, bytes.Length);
    }

    internal static async Task<string> Get(IObjectStore store, string key)
    {
        using var body = new MemoryStream();
        await store.GetToStreamAsync(Uri(key), body);
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }

    internal static async Task<string> Sha256(string path)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(file));
    }
}
