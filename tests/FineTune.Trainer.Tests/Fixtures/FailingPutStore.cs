using FineTune.Trainer.Storage;

namespace FineTune.Trainer.Tests.Fixtures;

/// <summary>
/// A real store that "dies" at the n-th upload: that upload and every later one throw, as if the process had been
/// killed there. Everything else goes to the real store underneath.
/// </summary>
public sealed class FailingPutStore(IObjectStore inner, int failAtPut) : IObjectStore
{
    private int _puts;

    private void CountPut()
    {
        if (Interlocked.Increment(ref _puts) >= failAtPut)
            throw new IOException($"simulated crash at upload {failAtPut}");
    }

    public Task<StoredObject?> StatAsync(StorageUri uri, CancellationToken cancellationToken = default) => inner.StatAsync(uri, cancellationToken);
    public Task<IReadOnlyList<StoredObject>> ListAsync(StorageUri prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
    public Task<StoredObject> GetToFileAsync(StorageUri uri, string localPath, CancellationToken cancellationToken = default) => inner.GetToFileAsync(uri, localPath, cancellationToken);
    public Task<StoredObject> GetToStreamAsync(StorageUri uri, Stream destination, CancellationToken cancellationToken = default) => inner.GetToStreamAsync(uri, destination, cancellationToken);
    public Task DeleteAsync(StorageUri uri, CancellationToken cancellationToken = default) => inner.DeleteAsync(uri, cancellationToken);

    public Task<StoredObject> PutFromFileAsync(StorageUri uri, string localPath, CancellationToken cancellationToken = default)
    {
        CountPut();
        return inner.PutFromFileAsync(uri, localPath, cancellationToken);
    }

    public Task<StoredObject> PutFromStreamAsync(StorageUri uri, Stream source, long length, CancellationToken cancellationToken = default)
    {
        CountPut();
        return inner.PutFromStreamAsync(uri, source, length, cancellationToken);
    }
}
