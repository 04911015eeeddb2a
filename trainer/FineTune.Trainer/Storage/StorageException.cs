namespace FineTune.Trainer.Storage;

/// <summary>
/// A store operation failed. The message names the operation, endpoint, bucket and key and says whether retrying
/// could help; it never contains credentials (the S3 store redacts the secret from everything it reports).
/// </summary>
public sealed class StorageException : Exception
{
    /// <summary>Creates the error.</summary>
    public StorageException(string message, StorageOperation operation, string endpoint, StorageUri location,
        StorageErrorKind kind, Exception? innerException = null)
        : base(message, innerException)
    {
        Operation = operation;
        Endpoint = endpoint;
        Location = location;
        Kind = kind;
    }

    /// <summary>The operation that failed.</summary>
    public StorageOperation Operation { get; }

    /// <summary>The S3 endpoint, or "local" for the file system.</summary>
    public string Endpoint { get; }

    /// <summary>The object or prefix the operation was for.</summary>
    public StorageUri Location { get; }

    /// <summary>Why it failed, as far as retrying is concerned.</summary>
    public StorageErrorKind Kind { get; }
}
