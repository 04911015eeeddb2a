namespace FineTune.LocalApiServer.Storage;

/// <summary>What a delete asks for: propagation policy and preconditions (from the query or a DeleteOptions body).</summary>
public sealed record DeleteRequest
{
    /// <summary>Background, Foreground or Orphan; null for the resource's default.</summary>
    public string? PropagationPolicy { get; init; }

    /// <summary>Precondition on metadata.uid.</summary>
    public string? PreconditionUid { get; init; }

    /// <summary>Precondition on metadata.resourceVersion.</summary>
    public string? PreconditionResourceVersion { get; init; }

    /// <summary>Grace period recorded in deletionGracePeriodSeconds when the delete has to wait for finalizers.</summary>
    public long? GracePeriodSeconds { get; init; }

    /// <summary>A plain delete with the resource's default policy.</summary>
    public static readonly DeleteRequest Default = new();
}
