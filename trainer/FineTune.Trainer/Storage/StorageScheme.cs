namespace FineTune.Trainer.Storage;

/// <summary>Where a <see cref="StorageUri"/> points.</summary>
public enum StorageScheme
{
    /// <summary>The local file system (file:// or a plain path).</summary>
    Local,

    /// <summary>An S3-compatible object store (s3://bucket/key).</summary>
    S3,
}
