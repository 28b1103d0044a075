using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser.Native;

namespace IsmSpec.VhostUser;

/// <summary>
/// One received vhost-user message: header, payload bytes and the descriptors that arrived with it (SCM_RIGHTS,
/// research §5.5). The message owns its descriptors until <see cref="TakeFd"/> hands one over; <see cref="Dispose"/>
/// closes the rest, so a descriptor nobody wanted never leaks.
/// </summary>
public sealed class VhostUserMessage : IDisposable
{
    private readonly int[] _fds;

    internal VhostUserMessage(VhostUserHeader header, byte[] payload, int[] fds)
    {
        Header = header;
        Payload = payload;
        _fds = fds;
    }

    public VhostUserHeader Header { get; }
    public uint Request => Header.Request;
    public VhostUserHeaderFlags Flags => Header.Flags;
    public byte[] Payload { get; }
    public int FdCount => _fds.Length;

    /// <summary>Descriptors that arrived with the 12-byte header, i.e. on the message's first byte (VHOST-FDS-FIRST-BYTE).</summary>
    public int FdsWithHeader { get; init; }

    /// <summary>recvmsg calls the payload took: 1 when it was all queued behind the header (a single sendmsg, VHOST-ONE-SENDMSG).</summary>
    public int PayloadReads { get; init; }

    /// <summary>Hands descriptor <paramref name="index"/> to the caller, who must close it.</summary>
    public int TakeFd(int index)
    {
        int fd = _fds[index];
        if (fd < 0) throw new InvalidOperationException($"descriptor {index} was already taken");
        _fds[index] = -1;
        return fd;
    }

    /// <summary>Descriptor <paramref name="index"/>, still owned (and closed) by the message: for a use that does not outlive it, e.g. mmap.</summary>
    public int PeekFd(int index) => _fds[index] >= 0 ? _fds[index] : throw new InvalidOperationException($"descriptor {index} was already taken");

    /// <summary>Reads a fixed-size payload through a generated codec; false when the payload has another length.</summary>
    public bool TryReadExact<T>(out T value) where T : unmanaged, IsmSpec.Codecs.IWireStruct<T>
    {
        value = default;
        return Payload.Length == T.WireSize && T.TryRead(Payload, out value);
    }

    public void Dispose()
    {
        for (int i = 0; i < _fds.Length; i++)
        {
            if (_fds[i] >= 0) UnixNative.Close(_fds[i]);
            _fds[i] = -1;
        }
    }

    public override string ToString()
    {
        string name = VhostUserRequestInfo.SpecNameOf((VhostUserRequest)Request) ?? Request.ToString();
        return $"{name} flags=0x{Header.Flags.Value:X} size={Payload.Length} fds={_fds.Length}";
    }
}
