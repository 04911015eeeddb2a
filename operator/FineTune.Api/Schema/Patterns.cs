namespace FineTune.Api.Schema;

/// <summary>
/// Regular expressions shared by the API types. They are written for both .NET and RE2 (Kubernetes evaluates
/// OpenAPI patterns with Go's regexp), so no look-arounds or back-references.
/// </summary>
public static class Patterns
{
    /// <summary><c>s3://bucket/key</c>, <c>file://path</c> or a plain path (no scheme, so no colon).</summary>
    public const string StorageUri = @"^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^\s]*)?|file://[^\s]+|[^:\s][^:]*)$";

    /// <summary>What <see cref="StorageUri"/> accepts, in words.</summary>
    public const string StorageUriAccepted = "an s3://bucket/key URI, a file:// URI or a path";

    /// <summary>An http or https endpoint without a path.</summary>
    public const string HttpEndpoint = @"^https?://[^\s/?#]+/?$";

    /// <summary>What <see cref="HttpEndpoint"/> accepts, in words.</summary>
    public const string HttpEndpointAccepted = "an http:// or https:// endpoint such as http://minio.minio.svc:9000";

    /// <summary>A DNS-1123 subdomain: the name of a Secret, a PriorityClass or a queue.</summary>
    public const string ObjectName = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>What <see cref="ObjectName"/> accepts, in words.</summary>
    public const string ObjectNameAccepted = "a lowercase DNS-1123 name such as minio-credentials";

    /// <summary>A Kubernetes resource quantity (the expression the Kubernetes API itself uses).</summary>
    public const string Quantity = @"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

    /// <summary>What <see cref="Quantity"/> accepts, in words.</summary>
    public const string QuantityAccepted = "a Kubernetes quantity such as 4, 500m or 32Gi";

    /// <summary>A domain-qualified extended resource, e.g. <c>nvidia.com/gpu</c> or <c>nvidia.com/mig-1g.10gb</c>.</summary>
    public const string ExtendedResource = @"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$";

    /// <summary>What <see cref="ExtendedResource"/> accepts, in words.</summary>
    public const string ExtendedResourceAccepted = "a domain-qualified resource name such as nvidia.com/gpu or nvidia.com/mig-1g.10gb";

    /// <summary>A container image reference (no whitespace).</summary>
    public const string Image = @"^[^\s]+$";

    /// <summary>What <see cref="Image"/> accepts, in words.</summary>
    public const string ImageAccepted = "an image reference without spaces such as ghcr.io/org/trainer:1.0";

    /// <summary>A module name or pattern: letters, digits, dots, dashes, underscores and * wildcards.</summary>
    public const string ModulePattern = @"^[A-Za-z0-9_.*-]+$";

    /// <summary>What <see cref="ModulePattern"/> accepts, in words.</summary>
    public const string ModulePatternAccepted = "a module name or wildcard pattern such as q_proj, c_attn, h.*.mlp.c_fc or all-linear";
}
