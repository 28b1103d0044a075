using System.Collections;
using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Device;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// The recording device of the driver properties: a port onto a running reference device that records what the
/// driver does through it — which shared memory entries it looked at, queue setup, vectors, region mappings — and
/// takes a snapshot when the driver sets DRIVER_OK. The shared memory list can be offered in either order.
/// </summary>
internal sealed class RecordingPort(VirtioIsmDevice device, bool notifyFirst) : IVirtioIsmPort
{
    private readonly LocalPort _inner = new(device);
    private readonly object _gate = new();
    private readonly Dictionary<int, VirtqLayout> _queues = [];
    private readonly HashSet<int> _vectors = [];

    /// <summary>What the device saw when DRIVER_OK was set.</summary>
    public sealed record Snapshot(IReadOnlySet<VirtioIsmShmId> ShmSeen, IReadOnlyDictionary<int, ushort> AvailIdx, IReadOnlySet<int> Vectors, ulong Features);

    public Snapshot? AtDriverOk { get; private set; }
    public HashSet<VirtioIsmShmId> ShmSeen { get; } = [];
    public List<(ulong Offset, ulong Length, bool Writable)> Mappings { get; } = [];

    public VirtioDeviceStatus Status
    {
        get => _inner.Status;
        set
        {
            if ((value & VirtioDeviceStatus.DriverOk) != 0 && AtDriverOk is null)
                lock (_gate)
                    AtDriverOk = new Snapshot(ShmSeen.ToHashSet(),
                        _queues.ToDictionary(q => q.Key, q => VirtqAvail.ReadOnlyView(_inner.GuestMemory.Get(q.Value.AvailRing, VirtqAvail.Size)).Idx),
                        _vectors.ToHashSet(), _inner.DriverFeatures);
            _inner.Status = value;
        }
    }

    public ulong DeviceFeatures => _inner.DeviceFeatures;
    public ulong DriverFeatures { get => _inner.DriverFeatures; set => _inner.DriverFeatures = value; }
    public uint ConfigGeneration => _inner.ConfigGeneration;
    public int ConfigLength => _inner.ConfigLength;
    public void ReadConfig(int offset, Span<byte> destination) => _inner.ReadConfig(offset, destination);
    public bool WriteConfig(int offset, ReadOnlySpan<byte> source) => _inner.WriteConfig(offset, source);
    public int DeviceId => VirtioIsmSpec.VirtioIdIsm;
    public IGuestMemory GuestMemory => _inner.GuestMemory;
    public INotifier Doorbell => _inner.Doorbell;
    public INotifier Interrupt => _inner.Interrupt;
    public Span<byte> NotifyArea => _inner.NotifyArea;

    public bool SetQueue(int index, VirtqLayout layout)
    {
        lock (_gate) _queues[index] = layout;
        return _inner.SetQueue(index, layout);
    }

    public bool BindVector(int vector, INotifier target)
    {
        bool ok = _inner.BindVector(vector, target);
        if (ok) lock (_gate) _vectors.Add(vector);
        return ok;
    }

    /// <summary>The device's list, in the chosen order; every entry the driver reads is recorded.</summary>
    public IReadOnlyList<ShmInfo> SharedMemory
    {
        get
        {
            var list = _inner.SharedMemory.ToList();
            if (notifyFirst) list.Reverse();
            return new Recorded(list, id => { lock (_gate) ShmSeen.Add(id); });
        }
    }

    public Memory<byte> MapRegions(ulong offset, ulong length, bool writable)
    {
        lock (_gate) Mappings.Add((offset, length, writable));
        return _inner.MapRegions(offset, length, writable);
    }

    public void Dispose() => _inner.Dispose();

    private sealed class Recorded(List<ShmInfo> items, Action<VirtioIsmShmId> seen) : IReadOnlyList<ShmInfo>
    {
        public ShmInfo this[int index] { get { seen(items[index].Id); return items[index]; } }
        public int Count => items.Count;
        public IEnumerator<ShmInfo> GetEnumerator()
        {
            for (int i = 0; i < items.Count; i++) yield return this[i];
        }
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
