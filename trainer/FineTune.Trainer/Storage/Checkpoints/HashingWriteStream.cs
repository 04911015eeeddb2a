using System.Security.Cryptography;

namespace FineTune.Trainer.Storage.Checkpoints;

/// <summary>
/// Writes through to a file while computing its SHA-256, so a download is verified without reading it twice. A store
/// that retries a download rewinds the destination to the start; the hash restarts with it.
/// </summary>
public sealed class HashingWriteStream(Stream inner) : Stream
{
    private IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Lowercase hex SHA-256 of everything written since the start (or the last rewind).</summary>
    public string Sha256Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override bool CanRead => false;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => true;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set
        {
            if (value != 0) throw new NotSupportedException("a hashing stream can only be rewound to the start");
            inner.Position = 0;
            _hash.Dispose();
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }

    public override void SetLength(long value)
    {
        if (value != 0) throw new NotSupportedException("a hashing stream can only be truncated to empty");
        inner.SetLength(0);
    }

    public override long Seek(long offset, SeekOrigin origin) =>
        origin == SeekOrigin.Begin && offset == 0 ? Position = 0 : throw new NotSupportedException("a hashing stream can only be rewound to the start");

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        _hash.AppendData(buffer, offset, count);
        inner.Write(buffer, offset, count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.AppendData(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
