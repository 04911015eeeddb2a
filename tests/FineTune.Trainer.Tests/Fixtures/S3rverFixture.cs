using FineTune.Trainer.Storage.Resilience;
using FineTune.Trainer.Storage.S3;
using Microsoft.Extensions.Logging;

namespace FineTune.Trainer.Tests.Fixtures;

/// <summary>One s3rver shared by the tests of a class, with the bucket <see cref="Bucket"/>.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    /// <summary>The bucket the server starts with.</summary>
    public const string Bucket = "test-bucket";

    private S3rverProcess? _server;

    /// <summary>The running server.</summary>
    public S3rverProcess Server => _server ?? throw new InvalidOperationException("s3rver was not started");

    /// <summary>A store for the server with the right keys and quick retries.</summary>
    public S3ObjectStore CreateStore(ILogger? logger = null, IStorageEvents? events = null, S3Credentials? credentials = null) =>
        CreateStore(Server, logger, events, credentials);

    /// <summary>A store for <paramref name="server"/> with quick retries (about 15 s of outage tolerated).</summary>
    public static S3ObjectStore CreateStore(S3rverProcess server, ILogger? logger = null, IStorageEvents? events = null,
        S3Credentials? credentials = null) =>
        new(new S3StoreOptions
        {
            Endpoint = server.Endpoint,
            Credentials = credentials ?? new S3Credentials(S3rverProcess.AccessKey, S3rverProcess.SecretKey),
            Retry = new RetryOptions { MaxAttempts = 12, InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2) },
            RequestTimeout = TimeSpan.FromSeconds(60),
        }, logger, events);

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await S3rverProcess.StartAsync(Bucket);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
