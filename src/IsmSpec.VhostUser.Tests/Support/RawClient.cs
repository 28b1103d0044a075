using System.Net.Sockets;
using IsmSpec.Specs.VhostUser;

namespace IsmSpec.VhostUser.Tests.Support;

/// <summary>A hostile front-end: raw bytes and descriptors in, replies drained (or read) by hand.</summary>
public sealed class RawClient : IDisposable
{
    private readonly Socket _socket;

    public RawClient(string path)
    {
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Connect(new UnixDomainSocketEndPoint(path));
        Vhost = new VhostUserSocket(_socket);
    }

    public VhostUserSocket Vhost { get; }

    public static byte[] Frame(uint request, uint flags, ReadOnlySpan<byte> payload, uint? sizeField = null)
    {
        var bytes = new byte[VhostUserHeader.Size + payload.Length];
        new VhostUserHeader { Request = request, Flags = VhostUserHeaderFlags.FromValue(flags), SizeField = sizeField ?? (uint)payload.Length }.TryWrite(bytes);
        payload.CopyTo(bytes.AsSpan(VhostUserHeader.Size));
        return bytes;
    }

    /// <summary>Sends; false when the back-end has already dropped us.</summary>
    public bool TrySend(ReadOnlySpan<byte> bytes, ReadOnlySpan<int> fds = default)
    {
        try { Vhost.SendRaw(bytes, fds); return true; }
        catch (IOException) { return false; }
    }

    /// <summary>Reads whatever replies arrived (without blocking); false when the back-end closed the connection.</summary>
    public bool Drain()
    {
        try
        {
            var buffer = new byte[4096];
            while (_socket.Poll(0, SelectMode.SelectRead))
                if (_socket.Receive(buffer) == 0) return false;
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>Whether the back-end closed the connection within <paramref name="ms"/>.</summary>
    public bool ClosedWithin(int ms)
    {
        long end = Environment.TickCount64 + ms;
        while (Environment.TickCount64 < end)
        {
            if (!Drain()) return true;
            Thread.Sleep(5);
        }
        return false;
    }

    public void Dispose() => _socket.Dispose();
}
