namespace FineTune.Trainer.Storage;

/// <summary>What a store knows about one object: where it is, its size and its version tag.</summary>
/// <param name="Uri">Full location of the object.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="ETag">The store's version tag (S3 ETag without quotes; for local files, size and modification time).</param>
/// <param name="LastModified">Last modification time (UTC).</param>
public sealed record StoredObject(StorageUri Uri, long Size, string ETag, DateTimeOffset LastModified);
