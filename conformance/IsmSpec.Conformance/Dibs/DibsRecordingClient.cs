using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Conformance.Dibs;

/// <summary>
/// The suites' DIBS client: it logs add_dev/del_dev (shared, ordered log) and keeps every handle_irq and
/// handle_event it receives, so properties observe the device and the layer only through client callbacks.
/// </summary>
internal sealed class DibsRecordingClient : IDibsClientOps<DibsDevice>
{
    private readonly List<(DibsDevice Dev, uint Idx, ushort Mask)> _irqs = [];
    private readonly List<DibsEvent> _events = [];

    public DibsRecordingClient(string name, List<string>? log = null)
    {
        Log = log ?? [];
        Client = new DibsClient(name, this);
    }

    public List<string> Log { get; }
    public DibsClient Client { get; }
    public string Name => Client.Name;
    public Action<DibsDevice>? OnAddDev { get; set; }
    public Action<DibsDevice>? OnDelDev { get; set; }

    public IReadOnlyList<(DibsDevice Dev, uint Idx, ushort Mask)> Irqs
    {
        get { lock (_irqs) return _irqs.ToArray(); }
    }

    public IReadOnlyList<DibsEvent> Events
    {
        get { lock (_events) return _events.ToArray(); }
    }

    public void AddDev(DibsDevice dev)
    {
        lock (Log) Log.Add($"{Name} add_dev {dev.Name}");
        OnAddDev?.Invoke(dev);
    }

    public void DelDev(DibsDevice dev)
    {
        lock (Log) Log.Add($"{Name} del_dev {dev.Name}");
        OnDelDev?.Invoke(dev);
    }

    public void HandleIrq(DibsDevice dev, uint idx, ushort dmbemask)
    {
        lock (_irqs) _irqs.Add((dev, idx, dmbemask));
    }

    public void HandleEvent(DibsDevice dev, ref DibsEvent @event)
    {
        var copy = @event;
        lock (_events) _events.Add(copy);
    }
}

/// <summary>
/// A minimal second device for layer properties that need more than the device under test (list order,
/// a refused client table): max_dmbs as given, register_dmb records the owner of increasing indices.
/// </summary>
internal sealed class SpareDibsDevice : IDibsDevOps<DibsDevice, DibsClient>
{
    private readonly int _maxDmbs;
    private uint _next;

    public SpareDibsDevice(string name, int maxDmbs = 16)
    {
        _maxDmbs = maxDmbs;
        Device = new DibsDevice(name, Guid.NewGuid().ToByteArray(bigEndian: true), this);
    }

    public DibsDevice Device { get; }
    public ushort GetFabricId(DibsDevice dev) => 0x0042;
    public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid) => rgid.SequenceEqual(dev.Gid) ? 0 : 1;
    public int MaxDmbs() => _maxDmbs;

    public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
    {
        dmb.Idx = _next++;
        dmb.DmbTok = 0x5000 + dmb.Idx;
        dev.SetDmbOwner(dmb.Idx, client);
        return 0;
    }

    public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        dev.ClearDmbOwner(dmb.Idx);
        return 0;
    }

    public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data) => 0;
}
