using Minio;
using Minio.DataModel.Args;

namespace FineTune.LocalCluster.Tests.Support;

/// <summary>Uploads local files to an S3 endpoint (the tests' s3rver), as a user would put a model and data in MinIO.</summary>
public static class S3Seeder
{
    /// <summary>Uploads every file under <paramref name="directory"/> to <c>s3://bucket/prefix/&lt;relative path&gt;</c>.</summary>
    public static async Task UploadDirectoryAsync(string endpoint, string directory, string bucket, string prefix)
    {
        var uri = new Uri(endpoint);
        using var client = (MinioClient)new MinioClient().WithEndpoint(uri.Host, uri.Port)
            .WithCredentials(S3rverProcess.AccessKey, S3rverProcess.SecretKey).Build();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var key = prefix.TrimEnd('/') + "/" + Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/');
            await client.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(key).WithFileName(file)
                .WithContentType("application/octet-stream"));
        }
    }
}
