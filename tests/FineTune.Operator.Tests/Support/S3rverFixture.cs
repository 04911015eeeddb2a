using Minio;
using Minio.DataModel.Args;

namespace FineTune.Operator.Tests.Support;

/// <summary>One real S3 server (s3rver) per test class, with the bucket <see cref="Bucket"/> and helpers to put and list objects.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    /// <summary>The bucket the server starts with.</summary>
    public const string Bucket = "outputs";

    private S3rverProcess? server;
    private IMinioClient? client;

    /// <summary>The endpoint for spec.storage.endpoint.</summary>
    public string Endpoint => $"http://127.0.0.1:{server!.Port}";

    public async Task InitializeAsync()
    {
        server = await S3rverProcess.StartAsync(Bucket);
        client = new MinioClient().WithEndpoint("127.0.0.1", server.Port)
            .WithCredentials(S3rverProcess.AccessKey, S3rverProcess.SecretKey).Build();
    }

    public async Task DisposeAsync()
    {
        client?.Dispose();
        if (server is not null)
            await server.DisposeAsync();
    }

    /// <summary>Writes a small object at <paramref name="key"/>.</summary>
    public async Task PutAsync(string key)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(key);
        using var stream = new MemoryStream(bytes);
        await client!.PutObjectAsync(new PutObjectArgs().WithBucket(Bucket).WithObject(key).WithStreamData(stream).WithObjectSize(bytes.Length));
    }

    /// <summary>Every key under <paramref name="prefix"/>, sorted.</summary>
    public async Task<List<string>> ListAsync(string prefix = "")
    {
        var keys = new List<string>();
        await foreach (var item in client!.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(Bucket).WithPrefix(prefix).WithRecursive(true)))
            keys.Add(item.Key);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
