namespace FineTune.Trainer.Tests.Fixtures;

/// <summary>
/// Wraps a stream and, the first time <see cref="PauseAfter"/> bytes have gone through, signals
/// <see cref="Paused"/> and waits until <see cref="Resume"/> is called: the test acts (stops a server) while a transfer
/// is provably in the middle.
/// </summary>
public sealed class PausingStream(Stream inner, long pauseAfter) : Stream
{
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _passed;

    /// <summary>Bytes after which the stream pauses once.</summary>
    public long PauseAfter { get; } = pauseAfter;

    /// <summary>Completes when the stream has paused.</summary>
    public Task Paused => _paused.Task;

    /// <summary>Lets the paused transfer go on.</summary>
    public void Resume() => _resumed.TrySetResult();

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void SetLength(long value) => inner.SetLength(value);

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await PauseIfDueAsync().ConfigureAwait(false);
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _passed += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await PauseIfDueAsync().ConfigureAwait(false);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        _passed += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private async Task PauseIfDueAsync()
    {
        if (_passed < PauseAfter || _paused.Task.IsCompleted) return;
        _paused.TrySetResult();
        await _resumed.Task.ConfigureAwait(false);
    }
}
