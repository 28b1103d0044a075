using System.Buffers.Binary;
using IsmSpec.Dibs;
using IsmSpec.S390Ism;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism.Driver;

/// <summary>A DIBS client of the suite: logs add_dev/del_dev into the bed's ordered log, keeps handle_irq/handle_event, runs hooks inside them.</summary>
internal sealed class IsmDriverClient : IDibsClientOps<DibsDevice>
{
    private readonly List<(uint Idx, ushort Mask)> _irqs = [];
    private readonly List<DibsEvent> _events = [];
    private readonly Action<string> _log;

    public IsmDriverClient(string name, Action<string> log)
    {
        _log = log;
        Client = new DibsClient(name, this);
    }

    public DibsClient Client { get; }
    public Action<uint, ushort>? OnIrq { get; set; }
    public Action<DibsEvent>? OnEvent { get; set; }

    public IReadOnlyList<(uint Idx, ushort Mask)> Irqs
    {
        get { lock (_irqs) return _irqs.ToArray(); }
    }

    public IReadOnlyList<DibsEvent> Events
    {
        get { lock (_events) return _events.ToArray(); }
    }

    public void AddDev(DibsDevice dev) => _log($"add_dev {Client.Name}");
    public void DelDev(DibsDevice dev) => _log($"del_dev {Client.Name}");

    public void HandleIrq(DibsDevice dev, uint idx, ushort dmbemask)
    {
        lock (_irqs) _irqs.Add((idx, dmbemask));
        _log($"irq {idx}");
        OnIrq?.Invoke(idx, dmbemask);
    }

    public void HandleEvent(DibsDevice dev, ref DibsEvent @event)
    {
        var copy = @event;
        lock (_events) _events.Add(copy);
        _log("event");
        OnEvent?.Invoke(copy);
    }
}

/// <summary>
/// One case: a fresh fabric (PCHID as generated) with the driver's function and a peer function, the suite's
/// <see cref="RecordingIsmPci"/> between driver and function, a DIBS layer with the suite's clients registered,
/// and the driver under test probed into it. Host memory is sized per case (the driver may use all of it).
/// </summary>
internal sealed class IsmDriverBed : IDisposable
{
    public const int Page = 4096;
    private readonly List<string> _log = [];
    private bool _removed;

    private IsmDriverBed(IIsmDriverUnderTest adapter, int hostBytes, ushort pchid, int clients, Action<RecordingIsmPci>? setup)
    {
        Adapter = adapter;
        Fabric = new IsmFabric(pchid);
        Function = Fabric.CreateFunction(new IsmHostMemory(hostBytes));
        Peer = Fabric.CreateFunction(new IsmHostMemory(4 * Page));
        Pci = new RecordingIsmPci(Function) { Log = Log };
        setup?.Invoke(Pci);
        Layer = DibsLayer.Load(configDibsLo: false);
        Clients = Enumerable.Range(0, clients).Select(i => new IsmDriverClient($"client{i}", Log)).ToArray();
        foreach (var c in Clients) Layer.RegisterClient(c.Client);
    }

    public IIsmDriverUnderTest Adapter { get; }
    public IsmFabric Fabric { get; }
    public IsmFunction Function { get; }
    public IsmFunction Peer { get; }
    public RecordingIsmPci Pci { get; }
    public DibsLayer Layer { get; }
    public IsmDriverClient[] Clients { get; }
    public IsmDriverClient Client => Clients[0];
    public IIsmProbedDriver? Probed { get; private set; }
    public DibsDevice Dev => Probed?.Device ?? throw new ConformanceViolation($"{Adapter.Name}: no device (probe failed)");
    public IDibsDevOps<DibsDevice, DibsClient> Ops => Dev.Ops;

    public IReadOnlyList<string> LogLines
    {
        get { lock (_log) return _log.ToArray(); }
    }

    public void Log(string line)
    {
        lock (_log) _log.Add(line);
    }

    public void ClearLog()
    {
        lock (_log) _log.Clear();
    }

    /// <summary>The peer's GID as a DIBS GID (bytes 0..7, rule 53).</summary>
    public byte[] PeerGid => Gid16(Peer.Gid);

    public static byte[] Gid16(ulong gid)
    {
        var g = new byte[DibsSpec.DibsGidLen];
        BinaryPrimitives.WriteUInt64BigEndian(g, gid);
        return g;
    }

    /// <summary>Probes without judging the result (for the probe-failure properties).</summary>
    public static IsmDriverBed Unprobed(IIsmDriverUnderTest adapter, int hostBytes = 16 * Page, ushort pchid = 0x0123, int clients = 1, Action<RecordingIsmPci>? setup = null) =>
        new(adapter, hostBytes, pchid, clients, setup);

    /// <summary>A bed whose probe must succeed; a failing or throwing adapter is a violation, not a harness error.</summary>
    public static IsmDriverBed Open(IIsmDriverUnderTest adapter, int hostBytes = 16 * Page, ushort pchid = 0x0123, int clients = 1,
        Action<RecordingIsmPci>? setup = null, uint uid = 0x1A2B, uint fid = 0)
    {
        var bed = new IsmDriverBed(adapter, hostBytes, pchid, clients, setup);
        var rc = bed.Probe(uid, fid);
        if (rc != 0)
        {
            bed.Dispose();
            throw new ConformanceViolation($"{adapter.Name}: probe failed with {Errno.Name(rc)} on a function that answered every command");
        }
        return bed;
    }

    /// <summary>Probes; 0 or the errno.</summary>
    public int Probe(uint uid, uint fid)
    {
        DibsResult<IIsmProbedDriver> probed;
        try
        {
            probed = Adapter.Probe(Layer, Pci, uid, fid);
        }
        catch (Exception e)
        {
            throw new ConformanceViolation($"{Adapter.Name}: probe threw {e.GetType().Name}: {e.Message}");
        }
        if (probed.IsOk) Probed = probed.Value;
        return probed.Code;
    }

    /// <summary>ism_remove; 0 or the errno.</summary>
    public int Remove()
    {
        _removed = true;
        return Probed?.Remove().Code ?? 0;
    }

    /// <summary>register_dmb of <paramref name="len"/> bytes for the peer (or <paramref name="rgid"/>); returns the code and the DMB.</summary>
    public int Register(uint len, uint idx, out DibsDmb dmb, byte[]? rgid = null, IsmDriverClient? owner = null)
    {
        dmb = new DibsDmb { DmbLen = len, Idx = idx };
        (rgid ?? PeerGid).CopyTo(dmb.Rgid);
        return Ops.RegisterDmb(Dev, ref dmb, (owner ?? Client).Client);
    }

    public int Unregister(ulong token, uint idx)
    {
        var dmb = new DibsDmb { DmbTok = token, Idx = idx };
        return Ops.UnregisterDmb(Dev, ref dmb);
    }

    /// <summary>The op or a violation naming it, when the driver does not offer an optional op the ISM driver has (rule 49).</summary>
    public T Op<T>(string name) where T : class =>
        Ops as T ?? throw new ConformanceViolation($"{Adapter.Name}: the DIBS device offers no {name}");

    /// <summary>SBA of the driver's function, at the address its REG_SBA named.</summary>
    public ref IsmSba Sba => ref IsmSba.View(Function.HostMemory.Span(Pci.Sba ?? throw new ConformanceViolation("the driver registered no SBA"), IsmSba.Size));

    public ref IsmEq Ieq => ref IsmEq.View(Function.HostMemory.Span(Pci.Ieq ?? throw new ConformanceViolation("the driver registered no IEQ"), IsmEq.Size));

    /// <summary>Owner client id recorded for DMB index <paramref name="idx"/> (table slot idx − 32, rule 54).</summary>
    public byte OwnerOf(uint idx) => idx < S390IsmSpec.IsmDmbBitOffset ? (byte)DibsSpec.NoDibsClient : Dev.DmbOwner(idx - S390IsmSpec.IsmDmbBitOffset);

    public void Dispose()
    {
        if (_removed || Probed is null) return;
        try
        {
            Remove();
        }
        catch
        {
            // teardown of a broken driver: the property has already judged what it needed
        }
    }
}
