namespace FineTune.Trainer.Storage;

/// <summary>How a store failure is handled.</summary>
public enum StorageErrorKind
{
    /// <summary>The object or prefix does not exist.</summary>
    NotFound,

    /// <summary>The store could not be reached or answered 5xx/timeout: retried with backoff; still failing after all attempts.</summary>
    Unavailable,

    /// <summary>Wrong or missing credentials, or access denied (403): not retried.</summary>
    AccessDenied,

    /// <summary>The bucket does not exist: not retried.</summary>
    MissingBucket,

    /// <summary>Anything else the store rejected (bad request, invalid name, short read): not retried.</summary>
    Rejected,
}
