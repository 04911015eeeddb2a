using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Storage.Resilience;

namespace FineTune.Trainer.Storage.S3;

/// <summary>How to reach one S3 endpoint.</summary>
public sealed record S3StoreOptions
{
    /// <summary>The endpoint URL, e.g. http://minio.minio.svc:9000; https turns TLS on.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Keys; null for anonymous access.</summary>
    public S3Credentials? Credentials { get; init; }

    /// <summary>Region sent in signatures; MinIO's default region when the spec names none.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Backoff for transient errors.</summary>
    public RetryOptions Retry { get; init; } = new();

    /// <summary>Timeout of one HTTP request (one part of a multipart upload, or one whole download).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Options for the job's storage block, with credentials from the environment or the mounted Secret.</summary>
    /// <exception cref="ArgumentException">The endpoint is not an http(s) URL.</exception>
    public static S3StoreOptions FromSpec(StorageSpec storage, Func<string, string?>? environment = null)
    {
        if (!Uri.TryCreate(storage.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            throw new ArgumentException(
                $"spec.storage.endpoint is '{storage.Endpoint}'; expected an http:// or https:// endpoint such as http://minio.minio.svc:9000",
                nameof(storage));
        return new S3StoreOptions
        {
            Endpoint = endpoint,
            Credentials = S3Credentials.Resolve(storage, environment),
            Region = string.IsNullOrEmpty(storage.Region) ? "us-east-1" : storage.Region,
        };
    }
}
