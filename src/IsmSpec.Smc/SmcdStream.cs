namespace IsmSpec.Smc;

/// <summary>
/// The public face of an <see cref="SmcdConnection"/>: a full-duplex, non-seekable <see cref="Stream"/> like
/// NetworkStream. Read returns 0 at end of stream (the peer's peer_done_writing or peer_conn_closed) and
/// throws IOException after an abort; Write blocks while the peer's ring is full. Writes are synchronous
/// into the peer's DMB (move_data, rule 22), so Flush has nothing to do. Disposing closes gracefully;
/// <see cref="Abort"/> closes abortively. One reader and one writer may run concurrently.
/// </summary>
public sealed class SmcdStream : Stream
{
    private bool _disposed;

    internal SmcdStream(SmcdConnection connection) => Connection = connection;

    public SmcdConnection Connection { get; }

    public override bool CanRead => !_disposed;
    public override bool CanWrite => !_disposed;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Connection.Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer) => Connection.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Connection.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Connection.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Connection.Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer) => Connection.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Connection.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Connection.WriteAsync(buffer, cancellationToken);

    /// <summary>Nothing is buffered: a completed Write is already in the peer's DMB.</summary>
    public override void Flush() => ObjectDisposedException.ThrowIf(_disposed, this);

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    /// <summary>Half-close: the peer reads to end of stream, this side may keep reading.</summary>
    public void ShutdownWrite() => Connection.ShutdownWrite();

    /// <summary>Abortive close (peer_conn_abort).</summary>
    public void Abort()
    {
        _disposed = true;
        Connection.Abort();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            Connection.Dispose();
        }
        base.Dispose(disposing);
    }
}
