using FineTune.Trainer.Storage;
using FineTune.Trainer.Tests.Fixtures;

namespace FineTune.Trainer.Tests.Storage.S3;

/// <summary>The S3 server stops in the middle of a transfer and comes back: retries finish the job, nothing is lost.</summary>
public sealed class S3OutageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Upload_survives_the_server_stopping_mid_transfer()
    {
        await using var server = await S3rverProcess.StartAsync(S3rverFixture.Bucket);
        using var temp = new TemporaryDirectory();
        var source = temp.WriteRandomFile("source.bin", 24L << 20, seed: 7);
        var events = new RecordingStorageEvents();
        using var store = S3rverFixture.CreateStore(server, events: events);
        var target = StorageUri.S3(S3rverFixture.Bucket, "outage/upload.bin");

        await using var file = File.OpenRead(source);
        await using var pausing = new PausingStream(file, pauseAfter: 12L << 20);
        var upload = store.PutFromStreamAsync(target, pausing, file.Length);
        await pausing.Paused.WaitAsync(Timeout);
        await server.StopAsync();
        pausing.Resume();
        await events.RetriesReached(2).WaitAsync(Timeout); // the outage lasts over several attempts
        await server.StartAgainAsync();
        await upload.WaitAsync(Timeout);

        await store.GetToFileAsync(target, temp.Combine("back.bin"));
        Assert.Equal(await S3ObjectStoreTests.Sha256(source), await S3ObjectStoreTests.Sha256(temp.Combine("back.bin")));
        Assert.True(events.Retries >= 2);
        Assert.Equal(0, events.Failures);
    }

    [Fact]
    public async Task Download_survives_the_server_stopping_mid_transfer()
    {
        await using var server = await S3rverProcess.StartAsync(S3rverFixture.Bucket);
        using var temp = new TemporaryDirectory();
        var source = temp.WriteRandomFile("source.bin", 24L << 20, seed: 8);
        var events = new RecordingStorageEvents();
        using var store = S3rverFixture.CreateStore(server, events: events);
        var target = StorageUri.S3(S3rverFixture.Bucket, "outage/download.bin");
        await store.PutFromFileAsync(target, source);

        StoredObject stored;
        await using (var copy = File.Create(temp.Combine("copy.bin")))
        await using (var pausing = new PausingStream(copy, pauseAfter: 8L << 20))
        {
            var download = store.GetToStreamAsync(target, pausing);
            await pausing.Paused.WaitAsync(Timeout);
            await server.StopAsync();
            pausing.Resume();
            await events.RetriesReached(2).WaitAsync(Timeout);
            await server.StartAgainAsync();
            stored = await download.WaitAsync(Timeout);
        }

        Assert.Equal(24L << 20, stored.Size);
        Assert.Equal(24L << 20, new FileInfo(temp.Combine("copy.bin")).Length);
        Assert.Equal(await S3ObjectStoreTests.Sha256(source), await S3ObjectStoreTests.Sha256(temp.Combine("copy.bin")));
        Assert.Equal(0, events.Failures);
    }
}
