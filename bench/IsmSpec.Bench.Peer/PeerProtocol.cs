using System.Buffers.Binary;

namespace IsmSpec.Bench.Peer;

/// <summary>
/// What the benchmark sends first on every stream connection, and how the peer then serves it (compiled into both
/// IsmSpec.Bench and IsmSpec.Bench.Peer). Echo: every byte read is written back (ping-pong). Sink: the peer reads
/// and answers one byte per <c>interval</c> bytes received (throughput with an acknowledged window).
/// </summary>
public static class PeerProtocol
{
    public const byte Echo = (byte)'E';
    public const byte Sink = (byte)'S';
    public const int HelloSize = 5;

    /// <summary>The 5-byte hello: mode, then the sink's ack interval (little-endian; 0 for echo).</summary>
    public static byte[] Hello(byte mode, int interval)
    {
        var hello = new byte[HelloSize];
        hello[0] = mode;
        BinaryPrimitives.WriteInt32LittleEndian(hello.AsSpan(1), interval);
        return hello;
    }

    /// <summary>Serves one connection until the other side ends it (end of stream or an error).</summary>
    public static void Serve(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var hello = buffer.AsSpan(0, HelloSize);
            stream.ReadExactly(hello);
            byte mode = hello[0];
            int interval = BinaryPrimitives.ReadInt32LittleEndian(hello[1..]);
            long pending = 0;
            byte[] ack = [1];
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                if (mode == Echo)
                {
                    stream.Write(buffer, 0, n);
                    continue;
                }
                for (pending += n; pending >= interval; pending -= interval)
                    stream.Write(ack);
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException or InvalidOperationException)
        {
            Console.Error.WriteLine($"peer connection ended: {e.GetType().Name}: {e.Message}");
        }
    }
}
