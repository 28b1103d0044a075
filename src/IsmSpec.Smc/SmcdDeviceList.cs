using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.Smc;

namespace IsmSpec.Smc;

/// <summary>
/// SMC's device list (smc_ism.c smcd_register_dev): rule 80 — a device without a PNET id goes to the head,
/// behind a loopback at the head; one with a PNET id goes to the tail, so the list reads loopback, devices
/// without PNET id, devices with one. Rule 76 — a device is SMC-Dv2 capable when it is loopback or
/// add_vlan_id(ISM_RESERVED_VLANID) succeeds (probed once, when the device is added).
/// </summary>
public sealed class SmcdDeviceList
{
    private readonly List<Entry> _list = [];

    private sealed record Entry(DibsDevice Dev, string? PnetId, bool V2Capable);

    /// <summary>The devices in SMC's order.</summary>
    public IReadOnlyList<DibsDevice> Devices
    {
        get { lock (_list) return _list.Select(e => e.Dev).ToArray(); }
    }

    public bool IsV2Capable(DibsDevice dev)
    {
        lock (_list)
            return _list.Any(e => e.Dev == dev && e.V2Capable);
    }

    public static bool IsLoopback(DibsDevice dev) => dev.Ops.GetFabricId(dev) == SmcSpec.SmcLoopbackChid;

    /// <summary>smcd_register_dev for <paramref name="dev"/> with its PNET id (null or empty: none).</summary>
    public void Add(DibsDevice dev, string? pnetId)
    {
        ArgumentNullException.ThrowIfNull(dev);
        var loopback = IsLoopback(dev);
        var v2 = loopback || (dev.Ops is IDibsDevOpsAddVlanId<DibsDevice, DibsClient> add && add.AddVlanId(dev, (ulong)SmcSpec.IsmReservedVlanid) == 0);
        var entry = new Entry(dev, string.IsNullOrEmpty(pnetId) ? null : pnetId, v2);
        lock (_list)
        {
            _list.RemoveAll(e => e.Dev == dev);
            if (entry.PnetId is not null)
                _list.Add(entry);
            else if (_list.Count > 0 && IsLoopback(_list[0].Dev))
                _list.Insert(1, entry);
            else
                _list.Insert(0, entry);
        }
    }

    public void Remove(DibsDevice dev)
    {
        lock (_list)
            _list.RemoveAll(e => e.Dev == dev);
    }
}
