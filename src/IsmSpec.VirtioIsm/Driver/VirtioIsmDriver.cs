using System.Collections.Concurrent;
using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>
/// The reference virtio-ism driver (first draft): negotiates features, sets up the controlq and eventq in guest RAM,
/// sends commands with the generated builders/readers, turns acks into <see cref="IsmResult"/>s, maps regions and
/// reports peers' updates as an async stream. Create with <see cref="Connect"/>; disposing resets the device, which
/// releases every region reference the guest held.
/// </summary>
public sealed partial class VirtioIsmDriver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<ulong, IsmRegion> _regions = new();
    private readonly EventQueue? _events;
    private readonly DriverPlumbing<IsmUpdate> _plumbing;

    private VirtioIsmDriver(IVirtioIsmPort port, VirtioIsmDriverOptions options, ulong features, in VirtioIsmConfig config)
    {
        Port = port;
        Options = options;
        NegotiatedFeatures = features;
        Gid = config.Gid;
        Devid = config.Devid;
        RegionSize = config.RegionSize;
        NotifySize = config.NotifySize;
        // Draft statement 8 (VISM-INIT-DRV-QUERY-SHM): look at every region the device offers; REGIONS is required and
        // NOTIFY too once an event feature is in force (statement 7).
        var shm = port.SharedMemory;
        RegionsLength = shm.FirstOrDefault(s => s.Id == VirtioIsmShmId.Regions).Length;
        if (RegionsLength < RegionSize) throw new InvalidOperationException("the device offers no REGIONS shared memory");
        bool events = (features & (VirtioIsmSpec.VirtioIsmFEventVq | VirtioIsmSpec.VirtioIsmFEventIrq)) != 0;
        if (events && shm.All(s => s.Id != VirtioIsmShmId.Notify)) throw new InvalidOperationException("no NOTIFY shared memory");

        var allocator = new GuestAllocator(port.GuestMemory);
        var controlLayout = VirtqLayout.Allocate(allocator, options.QueueSize);
        Control = new ControlQueue(port.GuestMemory, allocator, controlLayout, features, port.Doorbell) { Timeout = options.CommandTimeout };
        port.SetQueue(VirtioIsmSpec.VirtioIsmControlq, controlLayout);
        if ((features & VirtioIsmSpec.VirtioIsmFEventVq) != 0)               // statement 9: set up the eventq
        {
            var eventLayout = VirtqLayout.Allocate(allocator, options.QueueSize);
            uint bytes = (uint)(VirtioIsmEvent.Size + (int)(RegionsLength / RegionSize) * VirtioIsmEvent.OffsetElementSize);
            _events = new EventQueue(port.GuestMemory, allocator, eventLayout, features, port.Doorbell, bytes);
            port.SetQueue(VirtioIsmSpec.VirtioIsmEventq, eventLayout);
            _events.Prime();
        }
        if ((features & VirtioIsmSpec.VirtioIsmFEventIrq) != 0)              // statement 10: interrupts for region events
            DriverPlumbing<IsmUpdate>.BindVectors(port, options.Vectors, OnVector);
        _plumbing = new DriverPlumbing<IsmUpdate>(port, Control, _events, OnEventMessage, $"virtio-ism driver {Devid}");
    }

    public IVirtioIsmPort Port { get; }
    public VirtioIsmDriverOptions Options { get; }
    public ulong NegotiatedFeatures { get; }
    public ulong Gid { get; }
    public ulong Devid { get; }
    public ulong RegionSize { get; }
    public ulong NotifySize { get; }
    public ulong RegionsLength { get; }

    /// <summary>The controlq, for raw requests (<see cref="ControlQueue.SubmitAsync"/>).</summary>
    public ControlQueue Control { get; }

    /// <summary>Regions this driver holds, by offset.</summary>
    public IReadOnlyDictionary<ulong, IsmRegion> Regions => _regions;

    /// <summary>
    /// Device initialization (virtio 1.x §3.1.1 and the draft's "Device initialization"): negotiate, read the config
    /// (generation loop), discover shared memory, set up queues, DRIVER_OK, start the interrupt thread.
    /// </summary>
    public static VirtioIsmDriver Connect(IVirtioIsmPort port, VirtioIsmDriverOptions? options = null)
    {
        options ??= new VirtioIsmDriverOptions();
        // VISM2-DEC-GEN-MISMATCH: a first-draft driver binds only to device id 43, before touching the status.
        if (port.DeviceId != VirtioIsmSpec.VirtioIdIsm)
            throw new InvalidOperationException($"device id {port.DeviceId} is not a first-draft virtio-ism device ({VirtioIsmSpec.VirtioIdIsm})");
        ulong wanted = VirtioSpec.VirtioFVersion1
            | (options.EventIdx ? VirtioSpec.VirtioFEventIdx : 0)
            | (options.EventQueue ? VirtioIsmSpec.VirtioIsmFEventVq : 0)
            | (options.Vectors > 0 ? VirtioIsmSpec.VirtioIsmFEventIrq : 0);
        ulong features = VirtioDriverHandshake.Negotiate(port, wanted, VirtioSpec.VirtioFVersion1)
            ?? throw new InvalidOperationException("the device refused the feature set");
        Span<byte> raw = stackalloc byte[VirtioIsmConfig.Size];
        if (!VirtioDriverHandshake.ReadConfigConsistent(port, 0, raw)) throw new InvalidOperationException("config never stable");
        VirtioIsmConfig.TryRead(raw, out var config);
        var driver = new VirtioIsmDriver(port, options, features, in config);
        if (!VirtioDriverHandshake.Finish(port)) throw new InvalidOperationException("the device refused DRIVER_OK");
        driver._plumbing.Start();
        return driver;
    }

    /// <summary>Every update event from now on: eventq messages and vector interrupts for regions this driver holds.</summary>
    public IAsyncEnumerable<IsmUpdate> Updates(CancellationToken cancellationToken = default) => _plumbing.ReadAll(cancellationToken);

    /// <summary>The next update event, or null after <paramref name="timeout"/>.</summary>
    public Task<IsmUpdate?> NextUpdateAsync(TimeSpan timeout) => _plumbing.NextAsync(timeout);

    /// <summary>
    /// Delivers every update to <paramref name="handler"/> on the driver's interrupt thread instead of
    /// <see cref="Updates"/> (one thread hop less on the signal path); null goes back to the stream. When this
    /// returns, the previous handler is no longer running (unless called from inside it). The handler must not block.
    /// </summary>
    public void SetUpdateHandler(Action<IsmUpdate>? handler) => _plumbing.SetHandler(handler);

    /// <summary>
    /// Runs a command to completion on the calling thread and returns its result. Safe inside an update handler: on
    /// the interrupt thread the command's completion is collected by the waiting thread itself.
    /// </summary>
    public T RunCommand<T>(Func<Task<T>> command)
    {
        var task = Task.Run(command);
        _plumbing.WaitForCommand(task);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Writes a non-zero byte at the region's notify address and rings the doorbell (draft "Events").</summary>
    internal void NotifyRegion(IsmRegion region)
    {
        ulong at = region.Offset / RegionSize * NotifySize;
        Volatile.Write(ref Port.NotifyArea[(int)at], (byte)1);
        Port.Doorbell.Notify();
    }


    // virtio_ism_event { num; offset[num] }, read with the generated reader.
    private bool OnEventMessage(ReadOnlySpan<byte> message)
    {
        if (!VirtioIsmEvent.TryReadMessage(message, out var header, out var tail)) return false;
        for (int i = 0; i < (int)header.OffsetCount; i++) Publish(VirtioIsmEvent.GetOffset(tail, i), IsmUpdateSource.EventQueue);
        return true;
    }

    private void OnVector(int vector)
    {
        foreach (var region in _regions.Values)
            if (region.Vector == vector) Publish(region.Offset, IsmUpdateSource.Vector);
    }

    private void Publish(ulong offset, IsmUpdateSource source) =>
        _plumbing.Publish(new IsmUpdate(offset, _regions.GetValueOrDefault(offset), source));

    /// <summary>Stops the driver and resets the device (status 0), which releases every reference of this guest.</summary>
    public ValueTask DisposeAsync() => _plumbing.StopAsync();
}
