using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>
/// How the trainer reaches s3:// URIs. Credentials come from a Secret in the job's namespace; keys never appear in the
/// spec.
/// </summary>
public sealed class StorageSpec
{
    /// <summary>S3 endpoint, e.g. http://minio.minio.svc:9000; https enables TLS.</summary>
    [Pattern(Patterns.HttpEndpoint, Patterns.HttpEndpointAccepted), Length(Max = 2048)]
    public required string Endpoint { get; set; }

    /// <summary>Name of a Secret holding the access key and secret key. Left out: the pod's own identity is used.</summary>
    [Pattern(Patterns.ObjectName, Patterns.ObjectNameAccepted), Length(Max = 253)]
    public string? CredentialsSecret { get; set; }

    /// <summary>Key of the access key in the Secret.</summary>
    [Length(Min = 1, Max = 253)]
    public string AccessKeyKey { get; set; } = "accessKey";

    /// <summary>Key of the secret key in the Secret.</summary>
    [Length(Min = 1, Max = 253)]
    public string SecretKeyKey { get; set; } = "secretKey";

    /// <summary>S3 region, when the server needs one.</summary>
    [Length(Max = 64)]
    public string? Region { get; set; }
}
