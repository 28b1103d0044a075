using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Smc;

/// <summary>
/// SMC's per-device VLAN list (rule 75; smc_ism.c smc_ism_get_vlan/smc_ism_put_vlan): the first user of a
/// VLAN id calls add_vlan_id, later users only count; the last release calls del_vlan_id and drops the
/// entry even if the device fails. vlan 0 is -EINVAL, a device without the op -EOPNOTSUPP, a device
/// failure -EIO, releasing an id not in the list -ENOENT.
/// </summary>
public sealed class SmcdVlanTable
{
    private readonly Dictionary<(DibsDevice, ulong), int> _refs = [];

    /// <summary>Users of <paramref name="vlanId"/> on <paramref name="dev"/> (0 when not listed).</summary>
    public int References(DibsDevice dev, ulong vlanId)
    {
        lock (_refs)
            return _refs.GetValueOrDefault((dev, vlanId));
    }

    /// <summary>smc_ism_get_vlan.</summary>
    public int Get(DibsDevice dev, ulong vlanId)
    {
        ArgumentNullException.ThrowIfNull(dev);
        if (vlanId == 0)
            return -Errno.EINVAL;
        if (dev.Ops is not IDibsDevOpsAddVlanId<DibsDevice, DibsClient> add)
            return -Errno.EOPNOTSUPP;
        lock (_refs)
        {
            if (_refs.TryGetValue((dev, vlanId), out var n))
            {
                _refs[(dev, vlanId)] = n + 1;
                return 0;
            }
            if (add.AddVlanId(dev, vlanId) != 0)
                return -Errno.EIO;
            _refs[(dev, vlanId)] = 1;
            return 0;
        }
    }

    /// <summary>smc_ism_put_vlan.</summary>
    public int Put(DibsDevice dev, ulong vlanId)
    {
        ArgumentNullException.ThrowIfNull(dev);
        if (vlanId == 0)
            return -Errno.EINVAL;
        if (dev.Ops is not IDibsDevOpsDelVlanId<DibsDevice, DibsClient> del)
            return -Errno.EOPNOTSUPP;
        lock (_refs)
        {
            if (!_refs.TryGetValue((dev, vlanId), out var n))
                return -Errno.ENOENT;
            if (n > 1)
            {
                _refs[(dev, vlanId)] = n - 1;
                return 0;
            }
            _refs.Remove((dev, vlanId));
            return del.DelVlanId(dev, vlanId) != 0 ? -Errno.EIO : 0;
        }
    }

    /// <summary>Forgets every entry of a device that goes away (del_dev).</summary>
    public void Forget(DibsDevice dev)
    {
        lock (_refs)
            foreach (var key in _refs.Keys.Where(k => k.Item1 == dev).ToList())
                _refs.Remove(key);
    }
}
