using IsmSpec.Specs.VhostUser;

namespace IsmSpec.VhostUser.Backend;

/// <summary>One SHMEM mapping: <c>Length</c> bytes of descriptor <c>Fd</c> at <c>FdOffset</c>, placed at <c>ShmOffset</c> of region <c>Shmid</c>.</summary>
public readonly record struct ShmemMapping(byte Shmid, ulong ShmOffset, ulong Length, ulong FdOffset, ulong Flags, int Fd)
{
    public (byte, ulong) Key => (Shmid, ShmOffset);
}

/// <summary>
/// The back-end's side of the proposed SHMEM extension (research §5.8) for one front-end: the back-end request channel
/// (SET_BACKEND_REQ_FD) and the mappings the front-end holds. <see cref="Apply"/> moves the front-end to a wanted set
/// with SHMEM_UNMAP (always replied) and SHMEM_MAP (NEED_REPLY) messages, waiting for each ack, so when it returns
/// the front-end's view is current. <see cref="Forget"/> drops the records without messages (device reset,
/// VHOST-SHMEM-RESET-DROPS). Callers serialise (the back-end's sync lock).
/// </summary>
public sealed class ShmemPublisher(VhostUserSocket channel, TimeSpan replyTimeout) : IDisposable
{
    private readonly Dictionary<(byte, ulong), ShmemMapping> _mapped = new();

    public VhostUserSocket Channel { get; } = channel;
    public int MappingCount => _mapped.Count;
    public long MessagesSent { get; private set; }

    /// <summary>Brings the front-end to exactly <paramref name="wanted"/>; throws <see cref="IOException"/> when it refuses or does not answer.</summary>
    public void Apply(IReadOnlyList<ShmemMapping> wanted)
    {
        var want = wanted.ToDictionary(m => m.Key);
        foreach (var (key, old) in _mapped.ToList())
        {
            if (want.TryGetValue(key, out var w) && Same(w, old)) continue;
            Send(VhostUserBackendRequest.ShmemUnmap, old);
            _mapped.Remove(key);
        }
        foreach (var (key, m) in want)
        {
            if (_mapped.ContainsKey(key)) continue;
            Send(VhostUserBackendRequest.ShmemMap, m);
            _mapped[key] = m;
        }
    }

    public void Forget() => _mapped.Clear();

    private static bool Same(ShmemMapping a, ShmemMapping b) => a.Length == b.Length && a.FdOffset == b.FdOffset && a.Flags == b.Flags && a.Fd == b.Fd;

    private void Send(VhostUserBackendRequest request, ShmemMapping m)
    {
        byte[] payload = new byte[VhostUserMmap.Size];
        new VhostUserMmap { Shmid = m.Shmid, FdOffset = m.FdOffset, ShmOffset = m.ShmOffset, Len = m.Length, Flags = (VhostUserMmapFlags)m.Flags }.TryWrite(payload);
        var flags = VhostUserHeaderFlags.FromValue(VhostUserSpec.VhostUserVersion);
        flags.NeedReply = true;
        Channel.Send((uint)request, flags, payload, request == VhostUserBackendRequest.ShmemMap ? [m.Fd] : default);
        MessagesSent++;
        using var reply = Channel.Receive(replyTimeout);
        if (reply.Request != (uint)request || !reply.Flags.Reply || !reply.TryReadExact(out VhostUserU64 ack))
            throw new VhostUserProtocolException(VhostUserError.UnexpectedReply, $"the front-end answered {reply} to {request}");
        if (ack.ValueField != 0)
            throw new VhostUserProtocolException(VhostUserError.Refused, $"the front-end refused {request} of shmid {m.Shmid} at 0x{m.ShmOffset:X}+0x{m.Length:X}");
    }

    public void Dispose() => Channel.Dispose();
}
