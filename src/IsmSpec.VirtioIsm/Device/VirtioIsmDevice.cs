using IsmSpec.Codecs;
using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Linux;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Host;
using V2 = IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.VirtioIsm.Device;

/// <summary>
/// One virtio-ism device instance (one guest's device, wire version 1 or 2 per <see cref="Protocol"/>) on an <see cref="IsmHost"/>. It owns what
/// the guest sees of it: status/features/config (<see cref="State"/>), guest RAM holding the virtqueues, its NOTIFY
/// memory, a doorbell (driver → device kicks for every queue and for the notify area) and an interrupt (device → driver,
/// used buffers). Region logic lives in the host; this class is the virtqueue plumbing around the generated
/// dispatcher. Work happens in <see cref="Poll"/>, either called directly (tests, conformance) or by the service
/// thread (<see cref="Start"/>). The steady-state command path allocates nothing.
/// </summary>
public sealed partial class VirtioIsmDevice : IDisposable
{
    /// <summary>Largest controlq request the device reads (the largest request of either version is 26 bytes); longer ones ack ERR.</summary>
    public const int MaxRequestBytes = 64;

    private readonly object _gate = new();
    private readonly IsmHost _host;
    private readonly byte[] _request = new byte[MaxRequestBytes];
    private readonly byte[] _reply;
    private readonly VirtqLayout?[] _layouts = new VirtqLayout?[2];
    private readonly (IGuestMemory Memory, INotifier Interrupt, ushort Start)?[] _external = new (IGuestMemory, INotifier, ushort)?[2];
    private readonly int _notifyUnitsPerSlot;
    private ControlHandler _handler;
    private ChunkAreaControlHandler _chunkHandler;
    private VirtqDevice? _controlq, _eventq;
    private Thread? _thread;
    private volatile bool _stopping, _unplugged;

    internal VirtioIsmDevice(IsmHost host, ulong devid, IsmProtocol protocol = IsmProtocol.Region)
    {
        _host = host;
        Devid = devid;
        Protocol = protocol;
        var options = host.Options;
        bool v2 = protocol == IsmProtocol.ChunkArea;
        _handler = new ControlHandler(this, host);
        _chunkHandler = new ChunkAreaControlHandler(this, host);
        _reply = new byte[v2 ? ChunkAreaControlHandler.MaxReplyBytes(host.ChunksPerSlot) : 64];
        _notifyUnitsPerSlot = v2 ? host.ChunksPerSlot : 1;
        Router = new UpdateRouter(options.RegionCount, options.RegionSize, v2);
        Vectors = new VectorTable(options.VectorCount);
        GuestRam = SharedMemoryRegion.Create($"virtio-ism-guest-{devid}", options.GuestMemoryBytes);
        GuestMemory = new SharedGuestMemory(GuestRam);
        NotifyArea = SharedMemoryRegion.Create($"virtio-ism-notify-{devid}", (long)((ulong)(options.RegionCount * _notifyUnitsPerSlot) * options.NotifySize));
        Doorbell = EventFd.Create();
        Interrupt = EventFd.Create();
        // Version 2 defines no device feature bits (VISM2-DEC-PROTOCOL): only the transport bits (24 and up) are offered.
        State = new VirtioDeviceState(v2 ? options.DeviceFeatures & ~0xFFFFFFUL : options.DeviceFeatures, VirtioIsmConfig.Size, Interrupt);
        Span<byte> bytes = stackalloc byte[VirtioIsmConfig.Size];
        if (v2) new V2.VirtioIsmConfig { Gid = host.Gid, Devid = devid, ChunkSize = host.ChunkSize, NotifySize = options.NotifySize }.TryWrite(bytes);
        else new VirtioIsmConfig { Gid = host.Gid, Devid = devid, RegionSize = options.RegionSize, NotifySize = options.NotifySize }.TryWrite(bytes);
        State.UpdateConfig(0, bytes);
        State.Reset += OnReset;
    }

    public IsmHost Host => _host;

    /// <summary>The wire generation this instance speaks (fixed at creation).</summary>
    public IsmProtocol Protocol { get; }

    /// <summary>The virtio device id the transport reports: 43 for version 1 (first draft), 44 for version 2.</summary>
    public int DeviceId => Protocol == IsmProtocol.ChunkArea ? V2.VirtioIsmSpec.VirtioIdIsm : VirtioIsmSpec.VirtioIdIsm;

    /// <summary>Host-unique, non-zero, fixed for the life of the instance, kept across reset (VISM-DEC-DEVID-INSTANCE).</summary>
    public ulong Devid { get; }

    /// <summary>Status, feature negotiation and the 32-byte virtio_ism_config.</summary>
    public VirtioDeviceState State { get; }

    /// <summary>The guest RAM the driver places its virtqueues and command buffers in.</summary>
    public SharedMemoryRegion GuestRam { get; }
    public SharedGuestMemory GuestMemory { get; }

    /// <summary>
    /// NOTIFY shared memory (shmid 2): version 1 gives the region at offset o bytes [o/region_size*notify_size,
    /// +notify_size); version 2 gives every chunk its own notify_size bytes at (o >> log2(chunk_size)) * notify_size.
    /// </summary>
    public SharedMemoryRegion NotifyArea { get; }

    /// <summary>Driver → device: any queue became non-empty or a notify address was written.</summary>
    public EventFd Doorbell { get; }

    /// <summary>Device → driver: used buffers on the controlq/eventq, or a configuration change.</summary>
    public EventFd Interrupt { get; }

    /// <summary>Per-region update vectors (VIRTIO_ISM_F_EVENT_IRQ).</summary>
    public VectorTable Vectors { get; }

    internal UpdateRouter Router { get; }

    /// <summary>Reason of the last controlq refusal (diagnostics; version 1 sends only ERR, version 2 maps it to an ack).</summary>
    public IsmStatus LastStatus => Protocol == IsmProtocol.ChunkArea ? _chunkHandler.LastStatus : _handler.LastStatus;

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
            _external[index] = null;
            return true;
        }
    }

    /// <summary>
    /// Queue setup for a transport whose rings live in memory the driver owns (vhost-user: the front-end's memory
    /// table): queue <paramref name="index"/> runs over <paramref name="memory"/>, signals <paramref name="interrupt"/>
    /// (its call descriptor) and starts at ring index <paramref name="startIndex"/> (SET_VRING_BASE). Only before DRIVER_OK.
    /// </summary>
    public bool SetQueue(int index, VirtqLayout layout, IGuestMemory memory, INotifier interrupt, ushort startIndex = 0)
    {
        lock (_gate)
        {
            if ((uint)index >= (uint)_layouts.Length || State.DriverOk) return false;
            _layouts[index] = layout;
            _external[index] = (memory, interrupt, startIndex);
            return true;
        }
    }

    /// <summary>
    /// Called after a controlq command has run and its reply is written, before the chain is completed (the driver sees
    /// the ack only after it returns): lets a transport publish the command's effects first, e.g. vhost-user SHMEM_MAPs.
    /// </summary>
    public Action? CommandExecuted { get; set; }

    /// <summary>Whether the device may touch its queues: plugged, DRIVER_OK, not waiting for a reset. Under the gate.</summary>
    private bool Serviceable => !_unplugged && State.DriverOk && (State.Status & VirtioDeviceStatus.DeviceNeedsReset) == 0;

    /// <summary>Does every piece of pending work once: controlq, notify area, eventq, interrupts.</summary>
    public void Poll()
    {
        lock (_gate)
        {
            if (!Serviceable) return;
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
        bool v2 = Protocol == IsmProtocol.ChunkArea;       // version 2: no feature bits, eventq when set up (VISM2-DEC-EVENTQ)
        Router.EventVq = v2 ? _layouts[1] is not null : (features & VirtioIsmSpec.VirtioIsmFEventVq) != 0;
        Router.EventIrq = v2 || (features & VirtioIsmSpec.VirtioIsmFEventIrq) != 0;
        _controlq = Queue(VirtioIsmSpec.VirtioIsmControlq, control, features);
        if (Router.EventVq && _layouts[VirtioIsmSpec.VirtioIsmEventq] is { } events)
            _eventq = Queue(VirtioIsmSpec.VirtioIsmEventq, events, features);
        return _controlq.Fault == VirtqFault.None;
    }

    private VirtqDevice Queue(int index, VirtqLayout layout, ulong features) => _external[index] is { } x
        ? VirtqDevice.StartingAt(x.Memory, layout, features, x.Interrupt, State, x.Start)
        : new VirtqDevice(GuestMemory, layout, features, Interrupt, State);

    // Draft "Control virtqueue framing": class, command, data (device-readable) | ack, reply (device-writable).
    private void Execute(VirtqDevice queue, in VirtqChain chain)
    {
        int replyRoom = (int)Math.Min(chain.WritableBytes, (ulong)_reply.Length);
        int replyLength;
        if (chain.ReadableBytes > MaxRequestBytes)
        {
            LastDispatch = DispatchStatus.BadLength;                         // oversized: ERR without reading it
            replyLength = replyRoom == 0 ? 0 : 1;
            if (replyLength == 1) _reply[0] = Protocol == IsmProtocol.ChunkArea ? (byte)V2.VirtioIsmCtrl.Error : (byte)VirtioIsmCtrl.Error;
        }
        else
        {
            int n = queue.ReadFrom(in chain, _request.AsSpan(0, (int)chain.ReadableBytes));
            DispatchStatus status;
            if (Protocol == IsmProtocol.ChunkArea)
                replyLength = V2.VirtioIsmCtrl.Dispatch(ref _chunkHandler, _request.AsSpan(0, n), _reply.AsSpan(0, replyRoom), out status);
            else
                replyLength = VirtioIsmCtrl.Dispatch(ref _handler, _request.AsSpan(0, n), _reply.AsSpan(0, replyRoom), out status);
            LastDispatch = status;
        }
        int written = queue.WriteTo(in chain, _reply.AsSpan(0, replyLength));
        CommandExecuted?.Invoke();
        queue.Complete(chain.Head, (uint)written);
        CommandsCompleted++;
    }
}
