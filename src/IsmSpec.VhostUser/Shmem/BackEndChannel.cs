using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser.Native;

namespace IsmSpec.VhostUser.Shmem;

/// <summary>
/// The front-end's end of the back-end request channel (SET_BACKEND_REQ_FD): a thread that answers SHMEM_MAP (ack when
/// NEED_REPLY) and SHMEM_UNMAP (always) against a <see cref="ShmemSpace"/>, and refuses every other back-end request
/// that asks for a reply. It ends when the back-end closes the channel or sends something unreadable.
/// </summary>
public sealed class BackEndChannel : IDisposable
{
    private readonly VhostUserSocket _socket;
    private readonly Thread _thread;
    private readonly IsmSpec.Virtio.Linux.EventFd _stop = IsmSpec.Virtio.Linux.EventFd.Create();
    private volatile bool _stopping;

    /// <summary>Creates the socketpair; hand <see cref="BackEndEnd"/> to SET_BACKEND_REQ_FD, then close it here with <see cref="ReleaseBackEndEnd"/>.</summary>
    public BackEndChannel(ShmemSpace space)
    {
        Space = space;
        var (mine, theirs) = VhostUserSocket.CreatePair();
        _socket = mine;
        BackEndSocket = theirs;
        _thread = new Thread(Serve) { IsBackground = true, Name = "vhost-user back-end channel" };
        _thread.Start();
    }

    public ShmemSpace Space { get; }
    private VhostUserSocket? BackEndSocket { get; set; }
    public int BackEndEnd => BackEndSocket?.Handle ?? -1;
    public void ReleaseBackEndEnd() { BackEndSocket?.Dispose(); BackEndSocket = null; }

    /// <summary>Hands the back-end's end to the caller instead (an in-process or scripted back-end).</summary>
    public VhostUserSocket TakeBackEndEnd()
    {
        var socket = BackEndSocket ?? throw new InvalidOperationException("the back-end end was already given away");
        BackEndSocket = null;
        return socket;
    }

    public int Maps, Unmaps, Refusals;
    public string? LastRefusal { get; private set; }

    private void Serve()
    {
        try
        {
            while (!_stopping)
            {
                if (!WaitReadable()) continue;
                using var m = _socket.Receive(TimeSpan.FromSeconds(2));
                string? error;
                bool always = false;
                switch ((VhostUserBackendRequest)m.Request)
                {
                    case VhostUserBackendRequest.ShmemMap:
                        error = m.TryReadExact(out VhostUserMmap map) && m.FdCount == 1 ? Space.Map(map, m.PeekFd(0)) : "SHMEM_MAP needs a vhost_user_mmap and one descriptor";
                        if (error is null) Interlocked.Increment(ref Maps);
                        break;
                    case VhostUserBackendRequest.ShmemUnmap:
                        always = true;                                                 // "always replied" (§5.8)
                        error = m.TryReadExact(out VhostUserMmap unmap) && m.FdCount == 0 ? Space.Unmap(unmap) : "SHMEM_UNMAP needs a vhost_user_mmap and no descriptor";
                        if (error is null) Interlocked.Increment(ref Unmaps);
                        break;
                    default:
                        error = $"back-end request {m.Request} is not supported";
                        break;
                }
                if (error is not null) { Interlocked.Increment(ref Refusals); LastRefusal = error; }
                if (always || m.Flags.NeedReply)
                {
                    byte[] ack = new byte[VhostUserU64.Size];
                    new VhostUserU64 { ValueField = error is null ? 0UL : 1UL }.TryWrite(ack);
                    _socket.Send(m.Request, VhostUserHeaderFlags.FromValue(VhostUserSpec.VhostUserVersion | 4u), ack);
                }
            }
        }
        catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException) { }
    }

    /// <summary>Waits for a back-end message or <see cref="Dispose"/>; true when the channel has data (or hung up).</summary>
    private unsafe bool WaitReadable()
    {
        var fds = stackalloc UnixNative.PollFd[2];
        fds[0] = new UnixNative.PollFd { Fd = _socket.Handle, Events = UnixNative.POLLIN };
        fds[1] = new UnixNative.PollFd { Fd = _stop.FileDescriptor, Events = UnixNative.POLLIN };
        int n = UnixNative.Poll(fds, 2, 1000);
        return n > 0 && !_stopping && fds[0].Revents != 0;
    }

    public void Dispose()
    {
        _stopping = true;
        _stop.Notify();
        _thread.Join(2000);
        _socket.Dispose();
        _stop.Dispose();
        ReleaseBackEndEnd();
    }
}
