namespace FineTune.Trainer.Storage;

/// <summary>
/// Objects by location, the same for S3 and the local file system. Transfers stream (a multi-GB object never sits in
/// memory whole); transient failures are retried inside each call; permanent ones throw <see cref="StorageException"/>.
/// </summary>
public interface IObjectStore
{
    /// <summary>Size and tag of one object, or null when it does not exist.</summary>
    Task<StoredObject?> StatAsync(StorageUri uri, CancellationToken cancellationToken = default);

    /// <summary>Every object whose key starts with <paramref name="prefix"/> (recursively), sorted by key.</summary>
    Task<IReadOnlyList<StoredObject>> ListAsync(StorageUri prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Downloads an object to a local file. The file appears complete or not at all (written beside it, then renamed).
    /// </summary>
    /// <returns>The object that was downloaded (its size and tag).</returns>
    Task<StoredObject> GetToFileAsync(StorageUri uri, string localPath, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes an object into <paramref name="destination"/>. A seekable destination is rewound and rewritten when a
    /// transfer is retried; a non-seekable one is not retried once bytes were written.
    /// </summary>
    Task<StoredObject> GetToStreamAsync(StorageUri uri, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>Uploads a local file; a reader never sees a partly written object.</summary>
    Task<StoredObject> PutFromFileAsync(StorageUri uri, string localPath, CancellationToken cancellationToken = default);

    /// <summary>
    /// Uploads <paramref name="length"/> bytes from <paramref name="source"/> (-1 when unknown). A seekable source is
    /// rewound when the upload is retried; a non-seekable one is tried once.
    /// </summary>
    Task<StoredObject> PutFromStreamAsync(StorageUri uri, Stream source, long length, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object; deleting a missing object succeeds.</summary>
    Task DeleteAsync(StorageUri uri, CancellationToken cancellationToken = default);
}
