using System.IO.Pipelines;

namespace IsmSpec.Smc;

/// <summary>System.IO.Pipelines access to a connection: a PipeReader and a PipeWriter over its stream.</summary>
public static class SmcdPipe
{
    /// <summary>
    /// A duplex pipe over <paramref name="connection"/>. Completing the writer half-closes the connection
    /// (peer_done_writing); the connection itself is closed by disposing it.
    /// </summary>
    public static IDuplexPipe AsDuplexPipe(this SmcdConnection connection, int minimumReadSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var stream = connection.GetStream();
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(minimumReadSize: minimumReadSize, leaveOpen: true));
        var writer = PipeWriter.Create(new ShutdownOnDispose(stream), new StreamPipeWriterOptions(leaveOpen: false));
        return new DuplexPipe(reader, writer);
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>A write-only wrapper whose disposal is a half-close rather than a close.</summary>
    private sealed class ShutdownOnDispose(SmcdStream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.ShutdownWrite();
            base.Dispose(disposing);
        }
    }
}
