using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser.Native;
using IsmSpec.Virtio.Linux;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Device;

namespace IsmSpec.VhostUser.Backend;

/// <summary>One vhost-user ring as the back-end tracks it (rings 0/1 are virtqueues, 2 + v only carry vector v's call).</summary>
internal sealed class BackEndRing : IDisposable
{
    public uint Num;
    public ushort Base;
    public VhostVringAddr? Addr;
    public VirtqLayout? Layout;
    public EventFd? Kick;
    public bool PolledKick, Enabled, Started, Stopped;
    public CallNotifier Call { get; } = new();

    public void Clear()
    {
        Num = 0; Base = 0; Addr = null; Layout = null; PolledKick = Enabled = Started = Stopped = false;
        Kick?.Dispose();
        Kick = null;
        Call.Set(null);
    }

    public void Dispose() => Clear();
}

/// <summary>
/// One front-end = one guest = one device of the served host. A single thread does everything for it: waits (poll)
/// on the socket, the kick descriptors and the device's doorbell (peers' updates), runs <see cref="VirtioIsmDevice.Poll"/>
/// before handling each message (so a kick followed by any message is a barrier: the reply comes after the kicked work),
/// and handles the message (BackEndConnection.Handlers.cs). Any protocol error without a reply channel, a framing
/// error or a timeout drops only this connection; teardown unplugs the device (its references go, issue 3 item 5).
/// </summary>
public sealed partial class BackEndConnection
{
    private static long s_ids;
    private readonly VhostUserBackEnd _backEnd;
    private readonly VhostUserSocket _socket;
    private readonly BackEndRing[] _rings;
    private Thread? _thread;
    private volatile VirtioIsmDevice? _device;
    private FrontEndMemory? _memory;
    private ShmemPublisher? _publisher;
    private ulong _protocol;
    private volatile bool _closing;
    private string? _abortReason;

    internal BackEndConnection(VhostUserBackEnd backEnd, VhostUserSocket socket)
    {
        _backEnd = backEnd;
        _socket = socket;
        _rings = Enumerable.Range(0, VhostUserIsm.FirstVectorRing + backEnd.Options.Host.VectorCount).Select(_ => new BackEndRing()).ToArray();
    }

    public long Id { get; } = Interlocked.Increment(ref s_ids);

    /// <summary>The devid of this front-end's device, once it has one.</summary>
    public ulong? Devid => _device?.Devid;

    internal void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = $"vhost-user front-end {Id}" };
        _thread.Start();
    }

    /// <summary>Ends the connection from any thread; the connection thread tears down.</summary>
    internal void Abort(string? reason = null)
    {
        _abortReason ??= reason;
        _closing = true;
        _socket.Shutdown();
    }

    internal void Join(TimeSpan timeout) => _thread?.Join(timeout);

    private void Run()
    {
        string? dropReason = null;
        ulong? devid = null;
        try
        {
            while (!_closing)
            {
                bool readable = WaitForWork();
                ServiceDevice();
                if (!readable || _closing) continue;
                using var message = _socket.Receive(_backEnd.Options.MessageTimeout);
                ServiceDevice();
                Handle(message);
                if (_backEnd.Options.SpuriousCalls) foreach (var ring in _rings) ring.Call.Notify();
            }
        }
        catch (VhostUserProtocolException e) when (e.Error == VhostUserError.ConnectionClosed) { }
        catch (Exception e) when (e is IOException or TimeoutException or DropException or ObjectDisposedException or InvalidOperationException or ArgumentException)
        {
            dropReason = e.Message;
        }
        finally
        {
            lock (_backEnd.SyncLock) _closing = true;
            devid = _device?.Devid;
            DropDevice();
            _memory?.Dispose();
            _publisher?.Dispose();
            _socket.Dispose();
            _backEnd.Finished(this, devid, _abortReason ?? dropReason);
        }
    }

    /// <summary>Unplugs and disposes the device (teardown, or HOST_RESET on the caller's old-host device).</summary>
    internal void DropDevice()
    {
        var device = _device;
        lock (_backEnd.SyncLock)
        {
            _device = null;
            _publisher?.Forget();
        }
        foreach (var ring in _rings) ring.Clear();
        device?.Dispose();
    }

    /// <summary>Waits up to 100 ms for a message, a kick or a doorbell; true when the socket has data (or hung up).</summary>
    private unsafe bool WaitForWork()
    {
        Span<UnixNative.PollFd> fds = stackalloc UnixNative.PollFd[_rings.Length + 2];
        int n = 0;
        fds[n++] = new UnixNative.PollFd { Fd = _socket.Handle, Events = UnixNative.POLLIN };
        if (_device is { } device) fds[n++] = new UnixNative.PollFd { Fd = device.Doorbell.FileDescriptor, Events = UnixNative.POLLIN };
        foreach (var ring in _rings)
            if (ring.Kick is { } kick) fds[n++] = new UnixNative.PollFd { Fd = kick.FileDescriptor, Events = UnixNative.POLLIN };
        fixed (UnixNative.PollFd* p = fds)
        {
            int r = UnixNative.Poll(p, (nuint)n, 100);
            if (r < 0 && UnixNative.Errno != UnixNative.EINTR) throw UnixNative.Failure("poll");
        }
        return fds[0].Revents != 0;
    }

    /// <summary>Consumes kicks (a kick starts its ring, and the device at its first kick), then polls a running device.</summary>
    private void ServiceDevice()
    {
        if (_device is not { } device) return;
        bool kicked = device.Doorbell.TryConsume() != 0;
        for (int i = 0; i < VhostUserIsm.FirstVectorRing; i++)
        {
            var ring = _rings[i];
            if ((ring.Kick?.TryConsume() ?? 0) == 0 && !(ring.PolledKick && ring.Layout is not null)) continue;
            if (ring.Layout is null || ring.Stopped) continue;        // a stopped ring restarts only with SET_VRING_KICK
            kicked = true;
            ring.Started = true;
        }
        if (kicked && !device.State.DriverOk) TryStartDevice(device);
        if (device.State.DriverOk && !_rings.Any(r => r.Stopped)) device.Poll();
    }

    /// <summary>DRIVER_OK at the first kick: the rings with addresses become the device's queues (README decision "start").</summary>
    private void TryStartDevice(VirtioIsmDevice device)
    {
        if (_memory is null || _rings[0].Layout is null || (device.State.Status & VirtioDeviceStatus.FeaturesOk) == 0) return;
        for (int i = 0; i < VhostUserIsm.FirstVectorRing; i++)
            if (_rings[i].Layout is { } layout) device.SetQueue(i, layout, _memory, _rings[i].Call, _rings[i].Base);
        device.State.TrySetStatus(device.State.Status | VirtioDeviceStatus.DriverOk);
    }

    private void SetStopped(BackEndRing ring, bool stopped)
    {
        ring.Stopped = stopped;
        bool any = _rings.Any(r => r.Stopped);
        foreach (var r in _rings) r.Call.Suspended = any;                // VHOST-STOPPED-NO-WRITES: no calls, no vectors
    }

    /// <summary>Publishes this front-end's SHMEM view (called under the back-end's sync lock); a failure drops the connection.</summary>
    internal void Publish()
    {
        if (_closing || _publisher is null || _device is not { } device) return;
        var wanted = new List<ShmemMapping>();
        if ((_protocol & (ulong)VhostUserProtocolFeatures.Shmem) != 0 && (device.State.Status & VirtioDeviceStatus.FeaturesOk) != 0 && !device.IsUnplugged)
        {
            wanted.Add(new ShmemMapping(VhostUserIsm.NotifyShmid, 0, (ulong)device.NotifyArea.Length, 0, (ulong)VhostUserMmapFlags.Rw, device.NotifyArea.FileDescriptor));
            var host = device.Host;
            ulong size = host.Options.RegionSize;
            for (int slot = 0; slot < host.Options.RegionCount; slot++)
            {
                ulong offset = (ulong)slot * size;
                var perm = host.AccessOf(device.Devid, offset);
                bool read = (perm & Specs.VirtioIsm.VirtioIsmPerm.Read) != 0, write = (perm & Specs.VirtioIsm.VirtioIsmPerm.Write) != 0;
                if (!read && !write) continue;
                ulong flags = write ? (ulong)VhostUserMmapFlags.Rw | (read ? 0 : VhostUserIsm.MmapNoRead) : 0;
                wanted.Add(new ShmemMapping(VhostUserIsm.RegionsShmid, offset, size, offset, flags, host.Regions.FileDescriptor));
            }
        }
        try { _publisher.Apply(wanted); }
        catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException) { Abort($"back-end request channel: {e.Message}"); }
    }

    /// <summary>A protocol error that ends this connection.</summary>
    private sealed class DropException(string message) : Exception(message);
}
