using IsmSpec.Codecs;
using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Linux;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Host;

namespace IsmSpec.VirtioIsm.Device;

/// <summary>
/// One virtio-ism device instance (one guest's device, draft first version) on an <see cref="IsmHost"/>. It owns what
/// the guest sees of it: status/features/config (<see cref="State"/>), guest RAM holding the virtqueues, its NOTIFY
/// memory, a doorbell (driver → device kicks for every queue and for the notify area) and an interrupt (device → driver,
/// used buffers). Region logic lives in the host; this class is the virtqueue plumbing around the generated
/// dispatcher. Work happens in <see cref="Poll"/>, either called directly (tests, conformance) or by the service
/// thread (<see cref="Start"/>). The steady-state command path allocates nothing.
/// </summary>
public sealed partial class VirtioIsmDevice : IDisposable
{
    /// <summary>Largest controlq request the device reads (the largest v1 request is 26 bytes); longer ones ack ERR.</summary>
    public const int MaxRequestBytes = 64;

    private readonly object _gate = new();
    private readonly IsmHost _host;
    private readonly byte[] _request = new byte[MaxRequestBytes];
    private readonly byte[] _reply = new byte[64];
    private readonly VirtqLayout?[] _layouts = new VirtqLayout?[2];
    private ControlHandler _handler;
    private VirtqDevice? _controlq, _eventq;
    private Thread? _thread;
    private volatile bool _stopping, _unplugged;

    internal VirtioIsmDevice(IsmHost host, ulong devid)
    {
        _host = host;
        Devid = devid;
        var options = host.Options;
        _handler = new ControlHandler(this, host);
        Router = new UpdateRouter(options.RegionCount, options.RegionSize);
        Vectors = new VectorTable(options.VectorCount);
        GuestRam = SharedMemoryRegion.Create($"virtio-ism-guest-{devid}", options.GuestMemoryBytes);
        GuestMemory = new SharedGuestMemory(GuestRam);
        NotifyArea = SharedMemoryRegion.Create($"virtio-ism-notify-{devid}", (long)((ulong)options.RegionCount * options.NotifySize));
        Doorbell = EventFd.Create();
        Interrupt = EventFd.Create();
        State = new VirtioDeviceState(options.DeviceFeatures, VirtioIsmConfig.Size, Interrupt);
        var config = new VirtioIsmConfig { Gid = host.Gid, Devid = devid, RegionSize = options.RegionSize, NotifySize = options.NotifySize };
        Span<byte> bytes = stackalloc byte[VirtioIsmConfig.Size];
        config.TryWrite(bytes);
        State.UpdateConfig(0, bytes);
        State.Reset += OnReset;
    }

    public IsmHost Host => _host;

    /// <summary>Host-unique, non-zero, fixed for the life of the instance, kept across reset (VISM-DEC-DEVID-INSTANCE).</summary>
    public ulong Devid { get; }

    /// <summary>Status, feature negotiation and the 32-byte virtio_ism_config.</summary>
    public VirtioDeviceState State { get; }

    /// <summary>The guest RAM the driver places its virtqueues and command buffers in.</summary>
    public SharedMemoryRegion GuestRam { get; }
    public SharedGuestMemory GuestMemory { get; }

    /// <summary>NOTIFY shared memory (shmid 2): region at offset o owns bytes [o/region_size*notify_size, +notify_size).</summary>
    public SharedMemoryRegion NotifyArea { get; }

    /// <summary>Driver → device: any queue became non-empty or a notify address was written.</summary>
    public EventFd Doorbell { get; }

    /// <summary>Device → driver: used buffers on the controlq/eventq, or a configuration change.</summary>
    public EventFd Interrupt { get; }

    /// <summary>Per-region update vectors (VIRTIO_ISM_F_EVENT_IRQ).</summary>
    public VectorTable Vectors { get; }

    internal UpdateRouter Router { get; }

    /// <summary>Reason of the last controlq refusal (diagnostics; the wire only carries ERR).</summary>
    public IsmStatus LastStatus => _handler.LastStatus;

    /// <summary>What the generated dispatcher said about the last request.</summary>
    public DispatchStatus LastDispatch { get; private set; }

    /// <summary>Controlq requests completed.</summary>
    public long CommandsCompleted { get; private set; }

    /// <summary>The fault that stopped a queue, if any (the device is then in DEVICE_NEEDS_RESET).</summary>
    public VirtqFault QueueFault => _controlq?.Fault is { } f && f != VirtqFault.None ? f : _eventq?.Fault ?? VirtqFault.None;

    /// <summary>Shared memory regions the device exposes (draft "Device initialization": shmids REGIONS and NOTIFY).</summary>
    public IReadOnlyList<ShmInfo> SharedMemory =>
    [
        new(VirtioIsmShmId.Regions, (ulong)_host.Regions.Length),
        new(VirtioIsmShmId.Notify, (ulong)NotifyArea.Length),
    ];

    /// <summary>Driver's queue setup (queue_desc/avail/used of the common configuration); only before DRIVER_OK.</summary>
    public bool SetQueue(int index, VirtqLayout layout)
    {
        lock (_gate)
        {
            if ((uint)index >= (uint)_layouts.Length || State.DriverOk) return false;
            _layouts[index] = layout;
            return true;
        }
    }

    /// <summary>Does every piece of pending work once: controlq, notify area, eventq, interrupts.</summary>
    public void Poll()
    {
        lock (_gate)
        {
            if (_unplugged || !State.DriverOk || (State.Status & VirtioDeviceStatus.DeviceNeedsReset) != 0) return;
            if (_controlq is null && !BuildQueues()) return;
            var controlq = _controlq!;
            while (controlq.TryPop(out var chain)) Execute(controlq, in chain);
            ScanNotifyArea();
            if (_eventq is { } eventq) Router.Deliver(eventq);
            controlq.NotifyIfNeeded();
            _eventq?.NotifyIfNeeded();
        }
    }

    /// <summary>Starts the service thread: wait for the doorbell, then <see cref="Poll"/>.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_thread is not null) return;
            _thread = new Thread(ServiceLoop) { IsBackground = true, Name = $"virtio-ism device {Devid}" };
            _thread.Start();
        }
    }

    private void ServiceLoop()
    {
        while (!_stopping)
        {
            Doorbell.Wait(100);
            if (!_stopping) Poll();
        }
    }

    private bool BuildQueues()
    {
        ulong features = State.NegotiatedFeatures;
        if (_layouts[VirtioIsmSpec.VirtioIsmControlq] is not { } control) { State.SignalNeedsReset(); return false; }
        Router.EventVq = (features & VirtioIsmSpec.VirtioIsmFEventVq) != 0;
        Router.EventIrq = (features & VirtioIsmSpec.VirtioIsmFEventIrq) != 0;
        _controlq = new VirtqDevice(GuestMemory, control, features, Interrupt, State);
        if (Router.EventVq && _layouts[VirtioIsmSpec.VirtioIsmEventq] is { } events)
            _eventq = new VirtqDevice(GuestMemory, events, features, Interrupt, State);
        return _controlq.Fault == VirtqFault.None;
    }

    // Draft "Control virtqueue framing": class, command, data (device-readable) | ack, reply (device-writable).
    private void Execute(VirtqDevice queue, in VirtqChain chain)
    {
        int replyRoom = (int)Math.Min(chain.WritableBytes, (ulong)_reply.Length);
        int replyLength;
        if (chain.ReadableBytes > MaxRequestBytes)
        {
            LastDispatch = DispatchStatus.BadLength;                         // oversized: ERR without reading it
            replyLength = replyRoom == 0 ? 0 : 1;
            if (replyLength == 1) _reply[0] = (byte)VirtioIsmCtrl.Error;
        }
        else
        {
            int n = queue.ReadFrom(in chain, _request.AsSpan(0, (int)chain.ReadableBytes));
            replyLength = VirtioIsmCtrl.Dispatch(ref _handler, _request.AsSpan(0, n), _reply.AsSpan(0, replyRoom), out var status);
            LastDispatch = status;
        }
        int written = queue.WriteTo(in chain, _reply.AsSpan(0, replyLength));
        queue.Complete(chain.Head, (uint)written);
        CommandsCompleted++;
    }
}
