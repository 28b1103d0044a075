using System.Buffers.Binary;
using IsmSpec.Dibs;
using IsmSpec.S390Ism;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.IsmDriver;

/// <summary>
/// The s390 ISM driver (drivers/s390/net/ism_drv.c) as a DIBS device: the mandatory DIBS ops plus
/// add_vlan_id, del_vlan_id and signal_event, but not the mmapped trio (rule 15/16). It reaches the ISM
/// function only through <see cref="IIsmPci"/>: big-endian command blocks built with the generated
/// IsmCommands, store blocks addressed by the generated IsmDmbReq word, and the SBA/IEQ it registered in
/// host memory. Facts: research §4 and rules 44–66; decisions: README.md.
/// </summary>
public sealed partial class IsmDibsDriver :
    IDibsDevOps<DibsDevice, DibsClient>,
    IDibsDevOpsAddVlanId<DibsDevice, DibsClient>,
    IDibsDevOpsDelVlanId<DibsDevice, DibsClient>,
    IDibsDevOpsSignalEvent<DibsDevice, DibsClient>,
    IDibsDmbMemory
{
    private readonly IIsmPci _pci;
    private readonly IsmDriverOptions _options;
    private IsmPagePool? _pool;
    private ulong _sbaDma, _ieqDma;
    private bool _sbaRegistered, _ieqRegistered;
    private DibsLayer? _layer;
    private DibsDevice? _device;

    private IsmDibsDriver(IIsmPci pci, IsmDriverOptions options)
    {
        _pci = pci;
        _options = options;
        Name = $"ism{(options.Uid != 0 ? options.Uid : options.Fid):x}";
    }

    /// <summary>The DIBS device: "ism" + hex UID (FID when the UID is 0), GID bytes 0..7 from READ_GID (rules 53, 66).</summary>
    public DibsDevice Device => _device ?? throw new InvalidOperationException("the device is not probed");

    /// <summary>dev_set_name(&amp;dibs->dev, "ism%x", uid ?: fid) (rule 66).</summary>
    public string Name { get; }

    /// <summary>The 64-bit ISM GID read with READ_GID.</summary>
    public ulong Gid { get; private set; }

    /// <summary>The QUERY_INFO answer of bring-up (the kernel only logs it); null when the command failed.</summary>
    public IsmQiResponse? Info { get; private set; }

    /// <summary>DMA address of the registered SBA page, while registered.</summary>
    public ulong? SbaAddress => _sbaRegistered ? _sbaDma : null;

    /// <summary>DMA address of the registered IEQ, while registered.</summary>
    public ulong? IeqAddress => _ieqRegistered ? _ieqDma : null;

    /// <summary>Probe an emulated function: see <see cref="Probe(DibsLayer, IIsmPci, IsmDriverOptions?)"/>.</summary>
    public static DibsResult<IsmDibsDriver> Probe(DibsLayer layer, IsmFunction function, IsmDriverOptions? options = null) =>
        Probe(layer, new IsmFunctionPci(function), options);

    /// <summary>
    /// ism_probe (rule 65, research §4.10): request the IRQ, REG_SBA (one 4 KiB page), REG_IEQ (length 512),
    /// QUERY_INFO (logged only), READ_GID, then dibs_dev_add. Errors: -ENOMEM (no pool memory), -EIO (REG_SBA,
    /// REG_IEQ or READ_GID failed, rule 48), or the layer's error; every step done so far is undone.
    /// </summary>
    public static DibsResult<IsmDibsDriver> Probe(DibsLayer layer, IIsmPci pci, IsmDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(pci);
        var drv = new IsmDibsDriver(pci, options ?? new IsmDriverOptions());
        int rc = drv.DevInit();
        if (rc != 0)
            return DibsResult<IsmDibsDriver>.Fail(rc);
        if (drv.CmdReadGid(out ulong gid) != IsmRet.Success)
        {
            drv.DevExit();
            return DibsResult<IsmDibsDriver>.Fail(Errno.EIO);
        }
        drv.Gid = gid;
        Span<byte> gid16 = stackalloc byte[DibsSpec.DibsGidLen];
        gid16.Clear();
        BinaryPrimitives.WriteUInt64BigEndian(gid16, gid); // rule 53: bytes 0..7, bytes 8..15 zero
        drv._device = new DibsDevice(drv.Name, gid16, drv);
        var added = layer.AddDevice(drv._device);
        if (!added.IsOk)
        {
            drv.DevExit();
            return DibsResult<IsmDibsDriver>.Fail(added.Code);
        }
        drv._layer = layer;
        return drv;
    }

    /// <summary>
    /// ism_remove (rule 65): dibs_dev_del, UNREG_IEQ, UNREG_SBA, free the IRQ (waiting for a running handler),
    /// then free the SBA/IEQ pages (newest driver). -EIO when an UNREG failed with a code other than 0xFFFF
    /// (rule 48; that area is then kept, since the device may still write it); -EINVAL when already removed.
    /// </summary>
    public DibsResult Remove()
    {
        var layer = Interlocked.Exchange(ref _layer, null);
        if (layer is null)
            return DibsResult.Fail(Errno.EINVAL);
        layer.DeleteDevice(Device);
        int rc = DevExit();
        return rc == 0 ? DibsResult.Ok : DibsResult.Fail(rc);
    }

    /// <summary>ism_dev_init: IRQ, REG_SBA, REG_IEQ, QUERY_INFO. Returns 0 or a negative errno.</summary>
    private int DevInit()
    {
        _pool = IsmPagePool.Create(_pci.HostMemory, _options.PoolBytes);
        if (_pool is null)
            return -Errno.ENOMEM;
        _options.Trace?.Invoke("request_irq");
        _irqRequested = true;
        _pci.RequestIrq(OnInterrupt);
        int rc = RegisterSba();
        if (rc == 0)
        {
            rc = RegisterIeq();
            if (rc != 0)
                UnregisterSba();
        }
        if (rc != 0)
        {
            FreeIrqAndAreas();
            return rc;
        }
        Info = CmdQueryInfo(out var info) == IsmRet.Success ? info : null;
        return 0;
    }

    /// <summary>ism_dev_exit: UNREG_IEQ, UNREG_SBA, free_irq, then the areas. First error wins.</summary>
    private int DevExit()
    {
        int ieq = UnregisterIeq();
        int sba = UnregisterSba();
        FreeIrqAndAreas();
        return ieq != 0 ? ieq : sba;
    }

    private void FreeIrqAndAreas()
    {
        _options.Trace?.Invoke("free_irq");
        _pci.FreeIrq();
        WaitForHandler();
        _options.Trace?.Invoke("free_areas");
        if (_sbaDma != 0 && !_sbaRegistered) { _pool!.Free(_sbaDma, 1); _sbaDma = 0; }
        if (_ieqDma != 0 && !_ieqRegistered) { _pool!.Free(_ieqDma, 1); _ieqDma = 0; }
    }

    /// <summary>register_sba: a zeroed page, REG_SBA; failure → -EIO and the page is freed (rule 48).</summary>
    private int RegisterSba()
    {
        if (_pool!.Allocate(1) is not { } dma)
            return -Errno.ENOMEM;
        if (CmdRegSba(dma) != IsmRet.Success)
        {
            _pool.Free(dma, 1);
            return -Errno.EIO;
        }
        (_sbaDma, _sbaRegistered) = (dma, true);
        return 0;
    }

    /// <summary>register_ieq: a zeroed page registered with length 512, cursor reset to -1; failure → -EIO (rule 48).</summary>
    private int RegisterIeq()
    {
        if (_pool!.Allocate(1) is not { } dma)
            return -Errno.ENOMEM;
        if (CmdRegIeq(dma) != IsmRet.Success)
        {
            _pool.Free(dma, 1);
            return -Errno.EIO;
        }
        lock (_irqLock)
            _ieqCursor = -1;
        (_ieqDma, _ieqRegistered) = (dma, true);
        return 0;
    }

    /// <summary>unregister_sba: 0 and 0xFFFF count as success, anything else is -EIO (rule 48).</summary>
    private int UnregisterSba()
    {
        if (!_sbaRegistered)
            return 0;
        var ret = CmdSimple(IsmCommands.UnregSbaCode);
        if (ret != IsmRet.Success && ret != IsmRet.IsmError)
            return -Errno.EIO;
        _sbaRegistered = false;
        return 0;
    }

    /// <summary>unregister_ieq: as <see cref="UnregisterSba"/> (rule 48).</summary>
    private int UnregisterIeq()
    {
        if (!_ieqRegistered)
            return 0;
        var ret = CmdSimple(IsmCommands.UnregIeqCode);
        if (ret != IsmRet.Success && ret != IsmRet.IsmError)
            return -Errno.EIO;
        _ieqRegistered = false;
        return 0;
    }

    // ---- DIBS ops without DMBs (research §2.6, ISM column) ----

    /// <summary>ism_get_chid: the PCHID (rule 66).</summary>
    public ushort GetFabricId(DibsDevice dev)
    {
        CheckDevice(dev);
        return _pci.Pchid;
    }

    /// <summary>ism_max_dmbs: ISM_NR_DMBS = 1920 (rule 14); usable indices are 32..1919 (rule 50).</summary>
    public int MaxDmbs() => S390IsmSpec.IsmNrDmbs;

    /// <summary>QUERY_RGID with GID bytes 0..7 (rule 53); the raw device code (rule 49).</summary>
    public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid)
    {
        CheckDevice(dev);
        return (int)CmdQueryRgid(Gid8(rgid), vidValid, vid);
    }

    /// <summary>ADD_VLAN_ID; the raw device code (rule 49).</summary>
    public int AddVlanId(DibsDevice dev, ulong vlanId)
    {
        CheckDevice(dev);
        return (int)CmdVlan(IsmCommands.AddVlanIdCode, vlanId);
    }

    /// <summary>DEL_VLAN_ID; the raw device code (rule 49).</summary>
    public int DelVlanId(DibsDevice dev, ulong vlanId)
    {
        CheckDevice(dev);
        return (int)CmdVlan(IsmCommands.DelVlanIdCode, vlanId);
    }

    /// <summary>SIGNAL_IEQ to GID bytes 0..7 (rule 53); the raw device code (rule 49).</summary>
    public int SignalEvent(DibsDevice dev, ReadOnlySpan<byte> rgid, uint triggerIrq, uint eventCode, ulong info)
    {
        CheckDevice(dev);
        return (int)CmdSignalIeq(Gid8(rgid), triggerIrq, eventCode, info);
    }

    /// <summary>Rule 53: only bytes 0..7 of a DIBS GID go to the device, as a big-endian u64.</summary>
    internal static ulong Gid8(ReadOnlySpan<byte> gid)
    {
        if (gid.Length != DibsSpec.DibsGidLen)
            throw new ArgumentException($"a DIBS GID is {DibsSpec.DibsGidLen} bytes", nameof(gid));
        return BinaryPrimitives.ReadUInt64BigEndian(gid);
    }

    private void CheckDevice(DibsDevice dev)
    {
        ArgumentNullException.ThrowIfNull(dev);
        if (!ReferenceEquals(dev, _device))
            throw new ArgumentException("this driver does not drive that device", nameof(dev));
    }

    public override string ToString() => $"{Name} (GID {Gid:x16}, fabric 0x{_pci.Pchid:x4})";
}
