using System.Collections.Concurrent;
using System.Numerics;
using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm.V2;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Port;
using ShmId = IsmSpec.Specs.VirtioIsm.VirtioIsmShmId;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>
/// The reference driver for spec <c>virtio-ism</c> version 2 (chunk/area, Gen-B): binds only to device id 44,
/// negotiates the transport features (Gen-B has no device features), refuses a chunk_size that is not a power of two,
/// sets up the controlq, the eventq (queue 1, <c>virtio_ism_event_update</c> messages) and optional vectors, and maps
/// regions as lists of areas. Same threading and disposal as <see cref="VirtioIsmDriver"/>.
/// </summary>
public sealed partial class ChunkAreaDriver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<ulong, ChunkAreaRegion> _regions = new();
    private readonly EventQueue? _events;
    private readonly DriverPlumbing<ChunkAreaUpdate> _plumbing;
    private readonly int _chunkShift;

    private ChunkAreaDriver(IVirtioIsmPort port, VirtioIsmDriverOptions options, ulong features, in VirtioIsmConfig config)
    {
        Port = port;
        Options = options;
        NegotiatedFeatures = features;
        Gid = config.Gid;
        Devid = config.Devid;
        ChunkSize = config.ChunkSize;
        NotifySize = config.NotifySize;
        _chunkShift = BitOperations.Log2(ChunkSize);
        var shm = port.SharedMemory;
        RegionsLength = shm.FirstOrDefault(s => s.Id == ShmId.Regions).Length;
        if (RegionsLength < ChunkSize) throw new InvalidOperationException("the device offers no REGIONS shared memory");
        if (shm.All(s => s.Id != ShmId.Notify)) throw new InvalidOperationException("the device offers no NOTIFY shared memory");

        var allocator = new GuestAllocator(port.GuestMemory);
        var controlLayout = VirtqLayout.Allocate(allocator, options.QueueSize);
        Control = new ControlQueue(port.GuestMemory, allocator, controlLayout, features, port.Doorbell) { Timeout = options.CommandTimeout };
        port.SetQueue(VirtioIsmSpec.VirtioIsmControlq, controlLayout);
        if (options.EventQueue)                                          // queue 1 without a feature bit (VISM2-DEC-EVENTQ)
        {
            var eventLayout = VirtqLayout.Allocate(allocator, options.QueueSize);
            _events = new EventQueue(port.GuestMemory, allocator, eventLayout, features, port.Doorbell, VirtioIsmEventUpdate.Size);
            port.SetQueue(EventQueueIndex, eventLayout);
            _events.Prime();
        }
        DriverPlumbing<ChunkAreaUpdate>.BindVectors(port, options.Vectors, OnVector);
        _plumbing = new DriverPlumbing<ChunkAreaUpdate>(port, Control, _events, OnEventMessage, $"virtio-ism v2 driver {Devid}");
    }

    /// <summary>The eventq's queue index (IsmSpec decision VISM2-DEC-EVENTQ; version 1 uses the same index).</summary>
    public const int EventQueueIndex = 1;

    public IVirtioIsmPort Port { get; }
    public VirtioIsmDriverOptions Options { get; }
    public ulong NegotiatedFeatures { get; }
    public ulong Gid { get; }
    public ulong Devid { get; }
    public ulong ChunkSize { get; }
    public ulong NotifySize { get; }
    public ulong RegionsLength { get; }
    public ControlQueue Control { get; }

    /// <summary>Regions this driver holds, by token.</summary>
    public IReadOnlyDictionary<ulong, ChunkAreaRegion> Regions => _regions;

    /// <summary>Device initialization; throws <see cref="InvalidOperationException"/> for a device it must not drive.</summary>
    public static ChunkAreaDriver Connect(IVirtioIsmPort port, VirtioIsmDriverOptions? options = null)
    {
        options ??= new VirtioIsmDriverOptions();
        // VISM2-DEC-GEN-MISMATCH: bind only to device id 44, before touching the status.
        if (port.DeviceId != VirtioIsmSpec.VirtioIdIsm)
            throw new InvalidOperationException($"device id {port.DeviceId} is not a chunk/area virtio-ism device ({VirtioIsmSpec.VirtioIdIsm})");
        ulong wanted = VirtioSpec.VirtioFVersion1 | (options.EventIdx ? VirtioSpec.VirtioFEventIdx : 0);
        ulong features = VirtioDriverHandshake.Negotiate(port, wanted, VirtioSpec.VirtioFVersion1)
            ?? throw new InvalidOperationException("the device refused the feature set");
        Span<byte> raw = stackalloc byte[VirtioIsmConfig.Size];
        if (!VirtioDriverHandshake.ReadConfigConsistent(port, 0, raw)) throw new InvalidOperationException("config never stable");
        VirtioIsmConfig.TryRead(raw, out var config);
        if (!BitOperations.IsPow2(config.ChunkSize))                     // VISM2-CFG-CHUNK-POW2
        {
            port.Status |= VirtioDeviceStatus.Failed;
            throw new InvalidOperationException($"chunk_size {config.ChunkSize} is not a power of two");
        }
        var driver = new ChunkAreaDriver(port, options, features, in config);
        if (!VirtioDriverHandshake.Finish(port)) throw new InvalidOperationException("the device refused DRIVER_OK");
        driver._plumbing.Start();
        return driver;
    }

    public IAsyncEnumerable<ChunkAreaUpdate> Updates(CancellationToken cancellationToken = default) => _plumbing.ReadAll(cancellationToken);

    /// <summary>The next update event, or null after <paramref name="timeout"/>.</summary>
    public Task<ChunkAreaUpdate?> NextUpdateAsync(TimeSpan timeout) => _plumbing.NextAsync(timeout);

    /// <summary>As <see cref="VirtioIsmDriver.SetUpdateHandler"/>: updates go to the handler on the interrupt thread.</summary>
    public void SetUpdateHandler(Action<ChunkAreaUpdate>? handler) => _plumbing.SetHandler(handler);

    /// <summary>The notify address of the chunk at <paramref name="offset"/>: (offset >> log2(chunk_size)) * notify_size.</summary>
    public ulong NotifyAddress(ulong offset) => (offset >> _chunkShift) * NotifySize;

    /// <summary>VISM2-KICK-NOTIFY-ADDR: store byte 1 at the notify address of the region's first chunk, then the doorbell.</summary>
    internal void NotifyRegion(ChunkAreaRegion region)
    {
        Volatile.Write(ref Port.NotifyArea[checked((int)NotifyAddress(region.Offset))], (byte)1);
        Port.Doorbell.Notify();
    }


    // virtio_ism_event_update, read with the generated reader; other event types are not sent by the reference device.
    private bool OnEventMessage(ReadOnlySpan<byte> message)
    {
        if (!VirtioIsmEventUpdate.TryRead(message, out var update) || !update.Validate(out _)) return false;
        if ((update.EvType & VirtioIsmEventType.Update) != 0) Publish(update.Offset, update.Devid, IsmUpdateSource.EventQueue);
        return true;
    }

    private void OnVector(int vector)
    {
        foreach (var region in _regions.Values)
            if (region.Vector == vector) Publish(region.Offset, 0, IsmUpdateSource.Vector);
    }

    private void Publish(ulong offset, ulong devid, IsmUpdateSource source) =>
        _plumbing.Publish(new ChunkAreaUpdate(offset, devid, _regions.Values.FirstOrDefault(r => r.Offset == offset), source));

    /// <summary>Stops the driver and resets the device, which releases every reference of this guest.</summary>
    public ValueTask DisposeAsync() => _plumbing.StopAsync();
}
