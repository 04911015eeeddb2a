namespace FineTune.Trainer.Storage.Resilience;

/// <summary>A classified store error: its kind, and a short description that is safe to show and log.</summary>
/// <param name="Kind">How the error is handled.</param>
/// <param name="Detail">What the store or the network said, with credentials removed.</param>
public sealed record StorageFailure(StorageErrorKind Kind, string Detail)
{
    /// <summary>True when retrying may help.</summary>
    public bool IsTransient => Kind == StorageErrorKind.Unavailable;
}
