using System.Net.Sockets;
using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser.Native;

namespace IsmSpec.VhostUser;

/// <summary>
/// One end of a vhost-user connection: an AF_UNIX stream socket (connected through System.Net.Sockets) on which
/// messages go out and come in through sendmsg/recvmsg so descriptors can travel as SCM_RIGHTS (research §5.5).
/// Sending puts header and payload in ONE sendmsg with the descriptors on its first byte, because libvhost-user
/// reads the 12-byte header with recvmsg and then expects the whole payload at once. Receiving reads the header
/// with a control buffer for 8 descriptors, rejects sizes above <see cref="MaxPayload"/>, then reads exactly
/// <c>size</c> payload bytes; every wait is bounded. After any receive error the stream is out of step and the
/// socket reports <see cref="VhostUserError.Broken"/> from then on. Not thread-safe.
/// </summary>
public sealed unsafe class VhostUserSocket : IDisposable
{
    /// <summary>Largest payload accepted by default: above every message of §5.1 (config 12 + 256, memory table 8 + 8 · 32).</summary>
    public const int DefaultMaxPayload = 4096;

    private readonly Socket _socket;
    private string? _broken;

    public VhostUserSocket(Socket connected)
    {
        if (connected.AddressFamily != AddressFamily.Unix) throw new ArgumentException("vhost-user runs over AF_UNIX", nameof(connected));
        _socket = connected;
        _socket.Blocking = true;
    }

    /// <summary>Largest payload <see cref="Receive"/> accepts; a bigger header size is an error, not an allocation.</summary>
    public int MaxPayload { get; init; } = DefaultMaxPayload;

    public int Handle => (int)_socket.Handle;

    /// <summary>Connects to a back-end's listening socket (the back-end is the server, research §7.1).</summary>
    public static VhostUserSocket Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new VhostUserSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Two connected ends (socketpair), for tests and in-process back-ends.</summary>
    public static (VhostUserSocket A, VhostUserSocket B) CreatePair()
    {
        int* fds = stackalloc int[2];
        if (UnixNative.SocketPair(UnixNative.AF_UNIX, UnixNative.SOCK_STREAM | UnixNative.SOCK_CLOEXEC, 0, fds) != 0)
            throw UnixNative.Failure("socketpair");
        return (new VhostUserSocket(new Socket(new SafeSocketHandle(fds[0], true))), new VhostUserSocket(new Socket(new SafeSocketHandle(fds[1], true))));
    }

    /// <summary>Sends one message: header + payload in one sendmsg, <paramref name="fds"/> (at most 8) on the first byte.</summary>
    public void Send(uint request, VhostUserHeaderFlags flags, ReadOnlySpan<byte> payload, ReadOnlySpan<int> fds = default)
    {
        ThrowIfBroken();
        if (fds.Length > VhostUserSpec.VhostUserMaxFds)
            throw new ArgumentException($"a message carries at most {VhostUserSpec.VhostUserMaxFds} descriptors (research §5.5)", nameof(fds));
        var header = new VhostUserHeader { Request = request, Flags = flags, SizeField = (uint)payload.Length };
        byte[] buffer = new byte[VhostUserHeader.Size + payload.Length];
        header.TryWrite(buffer);
        payload.CopyTo(buffer.AsSpan(VhostUserHeader.Size));
        SendRaw(buffer, fds);
    }

    /// <summary>Sends bytes as they are (one sendmsg, then the rest if the kernel took less): for tests of malformed input.</summary>
    public void SendRaw(ReadOnlySpan<byte> bytes, ReadOnlySpan<int> fds = default)
    {
        ThrowIfBroken();
        byte* control = stackalloc byte[UnixNative.CmsgSpace(VhostUserSpec.VhostUserMaxFds * sizeof(int))];
        int sent = 0;
        fixed (byte* data = bytes)
        {
            do
            {
                var iov = new UnixNative.IoVec { Base = data + sent, Length = (nuint)(bytes.Length - sent) };
                var msg = new UnixNative.MsgHdr { Iov = &iov, IovLength = 1 };
                if (sent == 0 && fds.Length > 0)
                {
                    int space = UnixNative.CmsgSpace(fds.Length * sizeof(int));
                    new Span<byte>(control, space).Clear();
                    var cmsg = (UnixNative.CmsgHdr*)control;
                    cmsg->Length = (nuint)UnixNative.CmsgLen(fds.Length * sizeof(int));
                    cmsg->Level = UnixNative.SOL_SOCKET;
                    cmsg->Type = UnixNative.SCM_RIGHTS;
                    fds.CopyTo(new Span<int>(control + UnixNative.CmsgHeaderSize, fds.Length));
                    msg.Control = control;
                    msg.ControlLength = (nuint)space;
                }
                nint n = UnixNative.SendMsg(Handle, &msg, UnixNative.MSG_NOSIGNAL);
                if (n < 0)
                {
                    if (UnixNative.Errno == UnixNative.EINTR) continue;
                    throw Break(UnixNative.Failure("sendmsg"));
                }
                sent += (int)n;
            } while (sent < bytes.Length);
        }
    }

    /// <summary>
    /// Receives one whole message within <paramref name="timeout"/>. Throws <see cref="VhostUserTimeoutException"/>
    /// when the peer is silent (or stalls mid-message) and <see cref="VhostUserProtocolException"/> on EOF, an
    /// oversized size or too many descriptors; descriptors received before an error are closed.
    /// </summary>
    public VhostUserMessage Receive(TimeSpan timeout)
    {
        ThrowIfBroken();
        long deadline = Environment.TickCount64 + (long)Math.Max(0, timeout.TotalMilliseconds);
        var fds = new List<int>();
        try
        {
            Span<byte> head = stackalloc byte[VhostUserHeader.Size];
            ReadExactly(head, fds, deadline, "header");
            int fdsWithHeader = fds.Count;
            VhostUserHeader.TryRead(head, out var header);
            if (header.SizeField > (uint)MaxPayload)
                throw Break(new VhostUserProtocolException(VhostUserError.PayloadTooLarge,
                    $"message {header.Request} announces {header.SizeField} payload bytes, more than the limit {MaxPayload}"));
            byte[] payload = header.SizeField == 0 ? [] : new byte[header.SizeField];
            int reads = ReadExactly(payload, fds, deadline, "payload");
            var message = new VhostUserMessage(header, payload, fds.ToArray()) { FdsWithHeader = fdsWithHeader, PayloadReads = reads };
            fds.Clear();
            return message;
        }
        finally
        {
            foreach (int fd in fds) UnixNative.Close(fd);
        }
    }

    /// <summary>Reads exactly the span; returns how many recvmsg calls that took.</summary>
    private int ReadExactly(Span<byte> destination, List<int> fds, long deadline, string what)
    {
        int controlSize = UnixNative.CmsgSpace(VhostUserSpec.VhostUserMaxFds * sizeof(int));
        byte* control = stackalloc byte[controlSize];
        int got = 0, reads = 0;
        fixed (byte* data = destination)
        {
            while (got < destination.Length)
            {
                if (!UnixNative.WaitReadable(Handle, deadline))
                    throw Break(new VhostUserTimeoutException(got == 0 && what == "header"
                        ? "no reply from the vhost-user peer within the timeout"
                        : $"the vhost-user peer stopped in the middle of a message {what}"));
                var iov = new UnixNative.IoVec { Base = data + got, Length = (nuint)(destination.Length - got) };
                var msg = new UnixNative.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)controlSize };
                nint n = UnixNative.RecvMsg(Handle, &msg, UnixNative.MSG_CMSG_CLOEXEC);
                if (n < 0)
                {
                    int errno = UnixNative.Errno;
                    if (errno is UnixNative.EINTR or UnixNative.EAGAIN) continue;
                    throw Break(UnixNative.Failure("recvmsg"));
                }
                if (!CollectFds(&msg, fds) || (msg.Flags & UnixNative.MSG_CTRUNC) != 0)
                    throw Break(new VhostUserProtocolException(VhostUserError.TooManyDescriptors, "a message carried more than 8 descriptors"));
                if (n == 0)
                    throw Break(new VhostUserProtocolException(VhostUserError.ConnectionClosed,
                        got == 0 && what == "header" ? "the vhost-user peer closed the connection" : $"the vhost-user peer closed the connection in a message {what}"));
                got += (int)n;
                reads++;
            }
        }
        return reads;
    }

    /// <summary>Takes the SCM_RIGHTS descriptors out of the control buffer; false when more than 8 arrived in all.</summary>
    private static bool CollectFds(UnixNative.MsgHdr* msg, List<int> fds)
    {
        byte* p = (byte*)msg->Control;
        byte* end = p + (long)msg->ControlLength;
        while (p != null && p + UnixNative.CmsgHeaderSize <= end)
        {
            var cmsg = (UnixNative.CmsgHdr*)p;
            if (cmsg->Length < UnixNative.CmsgHeaderSize) break;
            if (cmsg->Level == UnixNative.SOL_SOCKET && cmsg->Type == UnixNative.SCM_RIGHTS)
            {
                int count = ((int)cmsg->Length - UnixNative.CmsgHeaderSize) / sizeof(int);
                int* data = (int*)(p + UnixNative.CmsgHeaderSize);
                for (int i = 0; i < count; i++) fds.Add(data[i]);
            }
            p += UnixNative.CmsgSpace((int)cmsg->Length - UnixNative.CmsgHeaderSize);
        }
        return fds.Count <= VhostUserSpec.VhostUserMaxFds;
    }

    private Exception Break(Exception error)
    {
        _broken ??= error.Message;
        return error;
    }

    private void ThrowIfBroken()
    {
        ObjectDisposedException.ThrowIf(_socket.SafeHandle.IsClosed, this);
        if (_broken is not null) throw new VhostUserProtocolException(VhostUserError.Broken, $"connection unusable after an earlier error: {_broken}");
    }

    /// <summary>Shuts both directions down (any thread): a blocked receive on the other end sees EOF, ours returns at once.</summary>
    public void Shutdown()
    {
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    public void Dispose() => _socket.Dispose();
}
