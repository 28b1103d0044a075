using System.Collections.Concurrent;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Smc;

/// <summary>
/// The "SMC-D" DIBS client (research §2.9 "Registration"): one per layer; add_dev keeps a per-device table
/// from DMB index to connection (stored as the client's priv), handle_irq wakes the connection bound to the
/// signalled index and ignores dmbemask (rule 72), del_dev aborts every connection on the device locally.
/// Events: DEV and shutdown events end connections to the peer, test links are answered, BUF events ignored (rule 77).
/// </summary>
public sealed partial class SmcdClient : IDibsClientOps<DibsDevice>, IDisposable
{
    private readonly ConcurrentDictionary<DibsDevice, ConcurrentDictionary<uint, SmcdConnection>> _devices = new();
    private readonly DibsLayer _layer;

    private SmcdClient(DibsLayer layer)
    {
        _layer = layer;
        Client = new DibsClient("SMC-D", this);
    }

    /// <summary>Registers a new SMC-D client with <paramref name="layer"/> (-ENOSPC when the 8 slots are taken).</summary>
    public static DibsResult<SmcdClient> Register(DibsLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var smcd = new SmcdClient(layer);
        var rc = layer.RegisterClient(smcd.Client);
        return rc.IsOk ? smcd : DibsResult<SmcdClient>.Fail(rc.Code);
    }

    public DibsClient Client { get; }

    /// <summary>Devices this client currently may use (between add_dev and del_dev).</summary>
    public IReadOnlyCollection<DibsDevice> Devices => _devices.Keys.ToArray();

    /// <summary>Open connections bound to a DMB index of <paramref name="dev"/>.</summary>
    public int ConnectionCount(DibsDevice dev) => _devices.TryGetValue(dev, out var t) ? t.Count : 0;

    // ---- dibs_client_ops ----

    public void AddDev(DibsDevice dev)
    {
        var table = new ConcurrentDictionary<uint, SmcdConnection>();
        _devices[dev] = table;
        dev.SetPriv(Client, table);
        OnDeviceAdded(dev); // rules 76, 80 (SmcdClient.Devices.cs)
    }

    public void DelDev(DibsDevice dev)
    {
        // Connections release their DMBs while the device is still usable, then the device is forgotten.
        if (!_devices.TryGetValue(dev, out var table))
            return;
        foreach (var conn in table.Values)
            conn.OnDeviceGone();
        _devices.TryRemove(dev, out _);
        OnDeviceRemoved(dev);
    }

    /// <summary>Rule 72: look up the connection of <paramref name="idx"/> and schedule its receive work; mask ignored.</summary>
    public void HandleIrq(DibsDevice dev, uint idx, ushort dmbemask)
    {
        if (_devices.TryGetValue(dev, out var table) && table.TryGetValue(idx, out var conn))
            conn.OnSignal();
    }

    public void HandleEvent(DibsDevice dev, ref DibsEvent @event) => OnEvent(dev, @event); // rule 77 (SmcdClient.Devices.cs)

    // ---- connection table ----

    internal bool Bind(DibsDevice dev, uint idx, SmcdConnection conn) =>
        _devices.TryGetValue(dev, out var table) && table.TryAdd(idx, conn);

    internal void Unbind(DibsDevice dev, uint idx, SmcdConnection conn)
    {
        if (_devices.TryGetValue(dev, out var table))
            table.TryRemove(new KeyValuePair<uint, SmcdConnection>(idx, conn));
    }

    internal bool Uses(DibsDevice dev) => _devices.ContainsKey(dev);

    /// <summary>dibs_unregister_client; -EBUSY while connections still own DMBs (rule 67).</summary>
    public DibsResult Unregister() => _layer.UnregisterClient(Client);

    public void Dispose() => Unregister();
}
