using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using IsmSpec.VirtioIsm.Driver;

namespace IsmSpec.VirtioIsm.Dibs;

/// <summary>
/// A DIBS device over one virtio-ism guest driver (issue 4 item 5; research kernel-dibs-ism.md §2.6, rules 12–24).
/// register_dmb ALLOCates a region (token = the region token, idx = lowest free local index), unregister_dmb
/// DETACHes it, attach_dmb ATTACHes a peer's region by token, move_data stores into the peer's region (attached on
/// demand and cached) and, with sf, writes the region's notify address; the owner's driver reports the update event
/// and this device turns it into handle_irq(idx) through <see cref="DibsDevice.ForwardIrq(uint, uint, ushort)"/>.
/// Implements the mmapped trio (rule 15) and <see cref="IDibsDmbMemory"/>, no vlan or signal_event op (rule 16).
/// The ops are synchronous, as DIBS ops are; controlq commands are awaited on the calling thread. Decisions:
/// src/IsmSpec.VirtioIsm.Dibs/README.md. The device takes the driver's updates as its update handler (<see cref="VirtioIsmDriver.SetUpdateHandler"/>), on
/// the driver's interrupt thread.
/// </summary>
public sealed partial class VirtioIsmDibsDevice :
    IDibsDevOps<DibsDevice, DibsClient>,
    IDibsDevOpsMmapped<DibsDevice, DibsClient>,
    IDibsDmbMemory
{
    /// <summary>max_dmbs() of SMC-D over virtio-ism (virtio-ism research §2.4).</summary>
    public const int DefaultMaxDmbs = 1920;

    /// <summary>
    /// dmbemask passed to handle_irq: a virtio-ism notify is one byte per region and carries no per-trigger bits, so
    /// the mask is always 0 (SMC ignores it, rule 72).
    /// </summary>
    public const ushort SignalMask = 0;

    private readonly VirtioIsmDriver _driver;
    private readonly byte[] _gid;

    private VirtioIsmDibsDevice(VirtioIsmDriver driver, VirtioIsmDibsOptions options)
    {
        if (options.MaxDmbs <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxDmbs must be positive");
        _driver = driver;
        Options = options;
        _used = new bool[options.MaxDmbs];
        _gid = VirtioIsmDibsGid.Create(driver.Gid, driver.Devid);
        Device = new DibsDevice(options.Name ?? $"vism{driver.Devid:x}", _gid, this);
        driver.SetUpdateHandler(OnUpdate);
    }

    /// <summary>The layer's view of this device.</summary>
    public DibsDevice Device { get; }

    public VirtioIsmDriver Driver => _driver;
    public VirtioIsmDibsOptions Options { get; }

    /// <summary>DMBs currently registered here.</summary>
    public int DmbCount { get { _rw.EnterReadLock(); try { return _own.Count; } finally { _rw.ExitReadLock(); } } }

    /// <summary>Peer regions currently attached (cached by move_data or held by attach_dmb).</summary>
    public int AttachmentCount { get { _rw.EnterReadLock(); try { return _attached.Count; } finally { _rw.ExitReadLock(); } } }

    /// <summary>A device over <paramref name="driver"/>, not yet in any layer (the caller keeps owning the driver).</summary>
    public static VirtioIsmDibsDevice Create(VirtioIsmDriver driver, VirtioIsmDibsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(driver);
        return new VirtioIsmDibsDevice(driver, options ?? new VirtioIsmDibsOptions());
    }

    /// <summary>Create, then dibs_dev_add into <paramref name="layer"/> (its error code if that fails).</summary>
    public static DibsResult<VirtioIsmDibsDevice> Probe(DibsLayer layer, VirtioIsmDriver driver, VirtioIsmDibsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var device = Create(driver, options);
        var rc = layer.AddDevice(device.Device);
        if (rc.IsOk)
            return device;
        device.Remove();
        return DibsResult<VirtioIsmDibsDevice>.Fail(rc.Code);
    }

    /// <summary>
    /// dibs_dev_del if the device is in a layer (clients get del_dev and free their DMBs, rule 7), then stop turning
    /// updates into IRQs and DETACH every region still held (DMBs a client did not free, and all attachments).
    /// </summary>
    public DibsResult Remove()
    {
        if (Device.Layer is { } layer)
            layer.DeleteDevice(Device);
        _driver.SetUpdateHandler(null);
        List<IsmRegion> regions;
        lock (_gate)
        {
            _rw.EnterWriteLock();
            try
            {
                foreach (var own in _own.Values)
                    Device.ClearDmbOwner(own.Idx);
                regions = [.. _own.Values.Select(o => o.Region), .. _attached.Values.Select(a => a.Region)];
                _own.Clear();
                _ownByOffset.Clear();
                _attached.Clear();
                Array.Clear(_used);
            }
            finally { _rw.ExitWriteLock(); }
        }
        var failed = regions.Count(r => !Detach(r));
        return failed == 0 ? DibsResult.Ok : DibsResult.Fail(Errno.EIO);
    }

    // ---- identity (rules 12–14) ----

    /// <summary>0xFF00 + host gid mod 255: the virtio-ism CHID range (rules 12, 78).</summary>
    public ushort GetFabricId(DibsDevice dev)
    {
        CheckDev(dev);
        return VirtioIsmDibsGid.FabricId(_driver.Gid);
    }

    /// <summary>
    /// Rule 13: 0 exactly when <paramref name="rgid"/> is a virtio-ism DIBS GID of this host (same host gid, non-zero
    /// devid) — regions of one host are reachable by every device of that host; otherwise -ENETUNREACH. The vlan
    /// arguments are ignored (deprecated, and virtio-ism has no vlans). The devid is not checked for existence: the
    /// draft gives a guest no way to ask.
    /// </summary>
    public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid)
    {
        CheckDev(dev);
        return VirtioIsmDibsGid.TryParse(rgid, out var host, out _) && host == _driver.Gid ? 0 : -Errno.ENETUNREACH;
    }

    /// <summary>Rule 14: a constant of the device kind, 1920 unless configured (<see cref="VirtioIsmDibsOptions.MaxDmbs"/>).</summary>
    public int MaxDmbs() => Options.MaxDmbs;

    /// <summary>Rule 15: the mmapped trio is offered; attach_dmb is a virtio-ism ATTACH.</summary>
    public int SupportMmappedRdmb(DibsDevice dev)
    {
        CheckDev(dev);
        return 1;
    }

    // ---- signals: virtio-ism update events → handle_irq (rules 20, 21, 23) ----

    /// <summary>
    /// The driver's update handler, on its interrupt thread: the region's owner index, then handle_irq through
    /// ForwardIrq outside every lock of this device (rule 21: only the subscribed owner of idx is called).
    /// </summary>
    private void OnUpdate(IsmUpdate update)
    {
        uint? idx = null;
        _rw.EnterReadLock();
        try
        {
            if (_ownByOffset.TryGetValue(update.Offset, out var own))
                idx = own.Idx;
        }
        finally { _rw.ExitReadLock(); }
        if (idx is uint i)
            Device.ForwardIrq(i, i, SignalMask);
    }

    private void CheckDev(DibsDevice dev)
    {
        if (!ReferenceEquals(dev, Device))
            throw new ArgumentException("not this virtio-ism DIBS device", nameof(dev));
    }

    public override string ToString() => $"{Device.Name} (host gid {_driver.Gid:x16}, devid {_driver.Devid})";
}
