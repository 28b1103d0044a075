using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Device;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// The reference adapter: an <see cref="IsmHost"/> (src/IsmSpec.VirtioIsm) with small regions and a window smaller
/// than the space, so every limit is reachable. Guests are <see cref="LocalGuest"/>s driven synchronously, of the
/// generation the request names (<see cref="VirtioIsmHostRequest.Version"/> 2: <see cref="IsmProtocol.ChunkArea"/>).
/// </summary>
public sealed class ReferenceDeviceAdapter : IVirtioIsmDeviceAdapter
{
    public const ulong RegionSize = 8192;

    /// <summary>chunk_size of version-2 devices: 8 chunks per region, so area lists have 1..8 entries.</summary>
    public const ulong ChunkSize = 1024;

    public string Name => "virtio-ism";

    /// <summary>The host options behind every host (the memory budget comes from the request).</summary>
    public static IsmHostOptions Options(VirtioIsmHostRequest request) => new()
    {
        HostName = request.HostName,
        RegionCount = 16,
        RegionSize = RegionSize,
        ChunkSize = ChunkSize,
        MaxReferencesPerDevice = 6,
        MaxGrantEntries = 4,
        VectorCount = 4,
        GuestMemoryBytes = 64 * 1024,
        MemoryBudget = request.MemoryRegions is { } n ? (ulong)n * RegionSize : ulong.MaxValue,
    };

    public IVirtioIsmHost CreateHost(VirtioIsmHostRequest request) => request.Version switch
    {
        1 => new LocalHost(new IsmHost(Options(request)), IsmProtocol.Region),
        2 => new LocalHost(new IsmHost(Options(request)), IsmProtocol.ChunkArea),
        _ => throw new ArgumentOutOfRangeException(nameof(request), $"virtio-ism has no wire version {request.Version}"),
    };

    private sealed class LocalHost(IsmHost host, IsmProtocol protocol) : IVirtioIsmHost
    {
        public int MaxReferencesPerDevice => host.Options.MaxReferencesPerDevice;
        public int VectorCount => host.Options.VectorCount;
        public IVirtioIsmGuest AddGuest() => new LocalGuest(host.CreateDevice(protocol));
        public void Dispose() => host.Dispose();
    }
}

/// <summary>
/// One guest of a reference device, driven without threads: every exchange places the chain on the real controlq in
/// guest RAM, calls <see cref="VirtioIsmDevice.Poll"/> and takes the used element; events are read from a real eventq
/// after polling. The device is never started, so the whole run is deterministic.
/// </summary>
public sealed class LocalGuest(VirtioIsmDevice device) : IVirtioIsmGuest
{
    private const int QueueSize = 16, RequestBytes = 512, ReplyBytes = 256;
    private readonly LocalPort _port = new(device);
    private readonly InProcessNotifier[] _vectors = Enumerable.Range(0, device.Vectors.Count).Select(_ => new InProcessNotifier()).ToArray();
    private VirtqDriver? _control, _events;
    private ulong _requestAt, _replyAt, _eventsAt;
    private uint _eventBytes;
    private bool _removed;

    public VirtioIsmDevice Device => device;
    public LocalPort Port => _port;

    public ulong OfferedFeatures => _port.DeviceFeatures & 0xFFFFFF;
    public int DeviceId => _port.DeviceId;
    private bool ChunkArea => device.Protocol == IsmProtocol.ChunkArea;

    public bool Negotiate(ulong features)
    {
        if (_removed) return false;
        _control = _events = null;
        ulong accepted = VirtioDriverHandshake.Negotiate(_port, (features & 0xFFFFFF) | VirtioSpec.VirtioFVersion1, VirtioSpec.VirtioFVersion1) ?? 0;
        if (accepted == 0 || (accepted & 0xFFFFFF) != (features & 0xFFFFFF)) return false;
        var allocator = new GuestAllocator(_port.GuestMemory);
        var controlLayout = VirtqLayout.Allocate(allocator, QueueSize);
        _control = new VirtqDriver(_port.GuestMemory, controlLayout, accepted, _port.Doorbell);
        _requestAt = allocator.Allocate(RequestBytes);
        _replyAt = allocator.Allocate(ReplyBytes);
        _port.SetQueue(VirtioIsmSpec.VirtioIsmControlq, controlLayout);
        if ((accepted & VirtioIsmSpec.VirtioIsmFEventVq) != 0 || ChunkArea)          // version 2: queue 1 without a feature bit
        {
            var layout = VirtqLayout.Allocate(allocator, QueueSize);
            _events = new VirtqDriver(_port.GuestMemory, layout, accepted, _port.Doorbell);
            ulong regions = _port.SharedMemory.FirstOrDefault(s => s.Id == VirtioIsmShmId.Regions).Length;
            _eventBytes = (uint)(VirtioIsmEvent.Size + (int)(regions / device.Host.Options.RegionSize) * VirtioIsmEvent.OffsetElementSize);
            _eventsAt = allocator.Allocate(QueueSize * _eventBytes, 8);
            _port.SetQueue(VirtioIsmSpec.VirtioIsmEventq, layout);
            for (int i = 0; i < QueueSize; i++) PostEventBuffer(i);
        }
        if ((accepted & VirtioIsmSpec.VirtioIsmFEventIrq) != 0 || ChunkArea)
            for (int v = 0; v < _vectors.Length; v++)
            {
                _vectors[v] = new InProcessNotifier();
                _port.BindVector(v, _vectors[v]);
            }
        return VirtioDriverHandshake.Finish(_port);
    }

    public void ReadConfig(Span<byte> config) => _port.ReadConfig(0, config);

    public IReadOnlyList<(VirtioIsmShmId Id, ulong Length)> SharedMemory => _port.SharedMemory.Select(s => (s.Id, s.Length)).ToList();

    public byte[] Exchange(ReadOnlySpan<byte> request, int replyCapacity)
    {
        if (_control is not { } queue || _removed || request.Length is 0 or > RequestBytes) return [];
        replyCapacity = Math.Clamp(replyCapacity, 0, ReplyBytes);
        request.CopyTo(_port.GuestMemory.Get(_requestAt, (uint)request.Length));
        _port.GuestMemory.Get(_replyAt, ReplyBytes).Clear();
        ReadOnlySpan<VirtqBuffer> writable = replyCapacity == 0 ? [] : [new VirtqBuffer(_replyAt, (uint)replyCapacity)];
        if (!queue.TryAdd([new VirtqBuffer(_requestAt, (uint)request.Length)], writable, out _)) return [];
        queue.Kick();
        device.Poll();
        if (!queue.TryGetUsed(out _, out uint length)) return [];
        return _port.GuestMemory.Get(_replyAt, Math.Min(length, (uint)replyCapacity)).ToArray();
    }

    public bool TryRead(ulong offset, Span<byte> into)
    {
        try
        {
            _port.MapRegions(offset, (ulong)into.Length, writable: false).Span.CopyTo(into);
            return !_removed;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or ArgumentOutOfRangeException or ObjectDisposedException)
        {
            return false;
        }
    }

    public bool TryWrite(ulong offset, ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (_removed) return false;
            bytes.CopyTo(_port.MapRegions(offset, (ulong)bytes.Length, writable: true).Span);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or ArgumentOutOfRangeException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Notify(ulong notifyOffset)
    {
        if (_removed) return;
        var area = _port.NotifyArea;
        if (notifyOffset < (ulong)area.Length) Volatile.Write(ref area[(int)notifyOffset], (byte)1);
        _port.Doorbell.Notify();
        device.Poll();
    }

    public IReadOnlyList<byte[]> TakeEvents()
    {
        if (_events is not { } queue || _removed) return [];
        device.Poll();
        var messages = new List<byte[]>();
        while (queue.TryGetUsed(out ushort head, out uint length))
        {
            int buffer = _bufferOfHead[head];
            messages.Add(_port.GuestMemory.Get(_eventsAt + (ulong)buffer * _eventBytes, Math.Min(length, _eventBytes)).ToArray());
            PostEventBuffer(buffer);
        }
        queue.Kick();
        return messages;
    }

    public long VectorCount(int vector) => (uint)vector < (uint)_vectors.Length ? _vectors[vector].Count : 0;

    public void Reset()
    {
        if (_removed) return;
        _port.Status = 0;
        _control = _events = null;
    }

    public void Remove()
    {
        if (_removed) return;
        _removed = true;
        device.Dispose();
    }

    private readonly int[] _bufferOfHead = new int[QueueSize];

    private void PostEventBuffer(int buffer)
    {
        if (_events!.TryAdd([], [new VirtqBuffer(_eventsAt + (ulong)buffer * _eventBytes, _eventBytes)], out ushort head))
            _bufferOfHead[head] = buffer;
    }
}
