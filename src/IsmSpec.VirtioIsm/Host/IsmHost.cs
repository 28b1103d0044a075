using IsmSpec.Specs.VirtioIsm;
using IsmSpec.Virtio.Linux;
using IsmSpec.VirtioIsm.Device;

namespace IsmSpec.VirtioIsm.Host;

/// <summary>
/// One host: the REGIONS memory (a memfd every guest maps), the region manager, the host identity (gid) and the
/// devices of its guests, one per guest, each with its own devid. Devices are created with <see cref="CreateDevice"/>;
/// a token one guest obtained can be attached by another guest's device. Thread-safe: region operations hold one lock;
/// update events are routed to the target device after the lock is released.
/// </summary>
public sealed partial class IsmHost : IDisposable
{
    private readonly object _lock = new();
    private readonly RegionTable _table;
    private readonly Dictionary<ulong, VirtioIsmDevice> _devices = new();
    private ulong _lastDevid;
    private bool _disposed;

    public IsmHost(IsmHostOptions? options = null)
    {
        Options = options ?? new IsmHostOptions();
        Options.Validate();
        Gid = HostIdentity.DeriveGid(Options.HostName);
        _table = new RegionTable(Options);
        Regions = SharedMemoryRegion.Create("virtio-ism-regions", (long)(Options.RegionSize * (ulong)Options.RegionCount));
    }

    public IsmHostOptions Options { get; }

    /// <summary>The host's gid (draft statement 1): the same for every device of this host.</summary>
    public ulong Gid { get; }

    /// <summary>The REGIONS memory: slot i at offset i * region_size. Pass <see cref="SharedMemoryRegion.FileDescriptor"/> to peers.</summary>
    public SharedMemoryRegion Regions { get; }

    /// <summary>
    /// A new device instance for one guest, with a host-unique non-zero devid that is never reused on this host
    /// (draft statements 2, 4, 5; VISM-DEC-DEVID-INSTANCE). The device is not running: call Start or Poll.
    /// </summary>
    /// <param name="protocol">The wire generation the device speaks (VISM2-DEC-PROTOCOL); version 1 by default.</param>
    public VirtioIsmDevice CreateDevice(IsmProtocol protocol = IsmProtocol.Region)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!Enum.IsDefined(protocol)) throw new ArgumentOutOfRangeException(nameof(protocol));
            if (protocol == IsmProtocol.ChunkArea && !Options.ChunkSizeValid)
                throw new InvalidOperationException("no chunk_size of at most 64 chunks per region divides RegionSize; set IsmHostOptions.ChunkSize");
            ulong devid = ++_lastDevid;
            var device = new VirtioIsmDevice(this, devid, protocol);
            _table.AddDevice(devid);
            _devices.Add(devid, device);
            return device;
        }
    }

    /// <summary>Regions in use (diagnostics, tests).</summary>
    public int RegionsInUse { get { lock (_lock) return _table.InUse; } }

    /// <summary>References a device holds (diagnostics, tests).</summary>
    public int ReferencesOf(ulong devid) { lock (_lock) return _table.References(devid); }

    /// <summary>Whether the region at <paramref name="offset"/> exists (held by anyone).</summary>
    public bool RegionExists(ulong offset) { lock (_lock) return _table.TrySlot(offset, out int slot) && _table.IsInUse(slot); }

    /// <summary>
    /// The rights device <paramref name="devid"/> has on the region at <paramref name="offset"/> right now (none without a
    /// reference): what an out-of-process transport maps for it (vhost-user SHMEM_MAP read-only or read-write).
    /// </summary>
    public VirtioIsmPerm AccessOf(ulong devid, ulong offset)
    {
        lock (_lock) return _table.TrySlot(offset, out int slot) ? _table.Access(devid, slot) : 0;
    }

    /// <summary>The device with this devid, if it is still plugged in.</summary>
    public VirtioIsmDevice? FindDevice(ulong devid) { lock (_lock) return _devices.GetValueOrDefault(devid); }

    internal Span<byte> SlotMemory(int slot) => Regions.Span.Slice(checked((int)((ulong)slot * Options.RegionSize)), (int)Options.RegionSize);

    internal bool TrySlot(ulong offset, out int slot) => _table.TrySlot(offset, out slot);

    internal IsmStatus Alloc(ulong devid, ulong size, out ulong token, out ulong offset)
    {
        lock (_lock)
        {
            var status = _table.Alloc(devid, size, out token, out int slot);
            offset = status == IsmStatus.Ok ? (ulong)slot * Options.RegionSize : 0;
            if (status == IsmStatus.Ok) SlotMemory(slot).Clear();                // draft statement 15: zeroed before use
            return status;
        }
    }

    internal IsmStatus Attach(ulong devid, ulong token, out ulong offset)
    {
        lock (_lock)
        {
            var status = _table.Attach(devid, token, out int slot);
            offset = status == IsmStatus.Ok ? (ulong)slot * Options.RegionSize : 0;
            return status;
        }
    }

    internal IsmStatus Detach(ulong devid, int slot)
    {
        lock (_lock) return _table.Detach(devid, slot, out _);
    }

    internal IsmStatus Grant(ulong devid, int slot, ulong peer, VirtioIsmPerm permissions)
    {
        lock (_lock) return _table.Grant(devid, slot, peer, permissions);
    }

    internal bool Holds(ulong devid, int slot) { lock (_lock) return _table.Holds(devid, slot); }

    internal VirtioIsmPerm Access(ulong devid, int slot) { lock (_lock) return _table.Access(devid, slot); }

    /// <summary>Releases every reference of a device (reset or unplug, VISM-DEC-RESET-RELEASES).</summary>
    internal void ReleaseAll(ulong devid)
    {
        lock (_lock)
            for (int slot = 0; slot < _table.Count; slot++)
                while (_table.Holds(devid, slot)) _table.Detach(devid, slot, out _);
    }

    /// <summary>A device leaves the host (unplugged, or its guest died): its references go, its devid is not reused.</summary>
    internal void Remove(ulong devid)
    {
        lock (_lock)
        {
            for (int slot = 0; slot < _table.Count; slot++)
                while (_table.Holds(devid, slot)) _table.Detach(devid, slot, out _);
            _table.RemoveDevice(devid);
            _devices.Remove(devid);
        }
    }

    /// <summary>A driver of <paramref name="fromDevid"/> notified the region in <paramref name="slot"/>: tell the other referrer.</summary>
    internal void RouteUpdate(ulong fromDevid, int slot)
    {
        if ((uint)slot >= (uint)_table.Count) return;
        VirtioIsmDevice? target;
        lock (_lock)
        {
            ulong other = _table.UpdateTarget(fromDevid, slot);
            target = other == 0 ? null : _devices.GetValueOrDefault(other);
        }
        target?.EnqueueUpdate(slot, fromDevid);
    }

    public void Dispose()
    {
        VirtioIsmDevice[] devices;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            devices = _devices.Values.ToArray();
        }
        foreach (var device in devices) device.Dispose();
        Regions.Dispose();
    }
}
