using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Smc;

/// <summary>
/// The SMC-D client's device-level state beyond the connection table: its ordered device list with SMC-Dv2
/// capability (rules 76, 80), per-device VLAN counts (rule 75) and event handling (rule 77).
/// </summary>
public sealed partial class SmcdClient
{
    private Func<DibsDevice, string?> _pnetIds = _ => null;

    /// <summary>Registers a client that takes each device's PNET id from <paramref name="pnetIds"/> (null: none).</summary>
    public static DibsResult<SmcdClient> Register(DibsLayer layer, Func<DibsDevice, string?> pnetIds)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(pnetIds);
        var smcd = new SmcdClient(layer) { _pnetIds = pnetIds };
        var rc = layer.RegisterClient(smcd.Client);
        return rc.IsOk ? smcd : DibsResult<SmcdClient>.Fail(rc.Code);
    }

    /// <summary>SMC's device list: loopback, then devices without PNET id, then with one (rule 80).</summary>
    public SmcdDeviceList DeviceList { get; } = new();

    /// <summary>VLAN users per device (rule 75).</summary>
    public SmcdVlanTable Vlans { get; } = new();

    public bool IsV2Capable(DibsDevice dev) => DeviceList.IsV2Capable(dev);

    private void OnDeviceAdded(DibsDevice dev) => DeviceList.Add(dev, _pnetIds(dev));

    private void OnDeviceRemoved(DibsDevice dev)
    {
        DeviceList.Remove(dev);
        Vlans.Forget(dev);
    }

    private void OnEvent(DibsDevice dev, in DibsEvent ev) => SmcdSoftwareEvents.Handle(dev, ev, gid => TerminatePeer(dev, gid));

    /// <summary>smc_smcd_terminate: fail every connection on <paramref name="dev"/> to <paramref name="peerGid"/> (all of them for an all-zero GID).</summary>
    public void TerminatePeer(DibsDevice dev, ReadOnlySpan<byte> peerGid)
    {
        if (!_devices.TryGetValue(dev, out var table))
            return;
        var any = peerGid.IndexOfAnyExcept((byte)0) < 0;
        foreach (var conn in table.Values)
            if (any || conn.IsPeer(peerGid))
                conn.Terminate("the link group to the peer was terminated");
    }
}
