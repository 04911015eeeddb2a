namespace FineTune.Trainer.Storage;

/// <summary>The store operation an error or a retry belongs to (named in messages and logs).</summary>
public enum StorageOperation
{
    /// <summary>Downloading an object.</summary>
    Get,

    /// <summary>Uploading an object.</summary>
    Put,

    /// <summary>Reading an object's size and tag.</summary>
    Stat,

    /// <summary>Listing objects under a prefix.</summary>
    List,

    /// <summary>Deleting an object.</summary>
    Delete,
}
