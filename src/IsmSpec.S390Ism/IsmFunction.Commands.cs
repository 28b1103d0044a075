using IsmSpec.Specs.S390Ism;

namespace IsmSpec.S390Ism;

/// <summary>Interrupt-area, identity and VLAN commands (research §4.3–4.5); all run under the fabric lock.</summary>
public sealed partial class IsmFunction
{
    /// <summary>REG_SBA (ISM-DEV-REG-AREAS): one page-aligned 4 KiB page of host memory; the device zeroes it.</summary>
    private IsmRet CmdRegSba(ulong dma)
    {
        if (_sbaRegistered) return IsmDeviceCodes.BadState;
        var code = MapAreaLocked(dma, IsmSba.Size, out var area);
        if (code != IsmDeviceCodes.Success) return code;
        IsmInterruptAreas.InitSba(area.Span);
        (_sba, _sbaDma, _sbaRegistered) = (area, dma, true);
        return IsmDeviceCodes.Success;
    }

    /// <summary>REG_IEQ (ISM-DEV-REG-AREAS): len must be 512 (research §4.5); the device resets the queue to idx 0.</summary>
    private IsmRet CmdRegIeq(ulong dma, ulong len)
    {
        if (_ieqRegistered) return IsmDeviceCodes.BadState;
        if (len != IsmEq.Size) return IsmDeviceCodes.BadLength;
        var code = MapAreaLocked(dma, IsmEq.Size, out var area);
        if (code != IsmDeviceCodes.Success) return code;
        IsmInterruptAreas.InitIeq(area.Span);
        (_ieq, _ieqDma, _ieqRegistered, _ieqSlot) = (area, dma, true, 0);
        return IsmDeviceCodes.Success;
    }

    /// <summary>UNREG_SBA (ISM-DEV-UNREG-AREAS): the device never writes the page again and raises no more interrupts.</summary>
    private IsmRet CmdUnregSba()
    {
        if (!_sbaRegistered) return IsmDeviceCodes.BadState;
        (_sba, _sbaDma, _sbaRegistered) = (default, 0, false);
        return IsmDeviceCodes.Success;
    }

    /// <summary>UNREG_IEQ (ISM-DEV-UNREG-AREAS): the device never writes the queue again.</summary>
    private IsmRet CmdUnregIeq()
    {
        if (!_ieqRegistered) return IsmDeviceCodes.BadState;
        (_ieq, _ieqDma, _ieqRegistered) = (default, 0, false);
        return IsmDeviceCodes.Success;
    }

    /// <summary>QUERY_INFO (ISM-DEV-QUERY-INFO): what this device reports; the kernel only logs it (research §4.3).</summary>
    private IsmRet CmdQueryInfo(ref IsmQiResponse response)
    {
        response.Version = 1;
        response.MaxLen = S390IsmSpec.IsmDmbMaxLen;
        response.IsmState = 0;
        response.MyGid = Gid;
        response.Sba = _sbaRegistered ? _sbaDma : 0;
        response.Ieq = _ieqRegistered ? _ieqDma : 0;
        response.IeqLen = _ieqRegistered ? (uint)IsmEq.Size : 0;
        response.DmbsOwned = (uint)_dmbCount;
        response.DmbsUsed = (uint)Fabric.CountDmbsUsableBy(Gid);
        response.VlanRequired = _vlanRequired ? 1u : 0u;
        response.VlanNrIds = (uint)_vlans.Count;
        int i = 0;
        foreach (var id in _vlans) response.SetVlanId(i++, id);
        return IsmDeviceCodes.Success;
    }

    /// <summary>
    /// QUERY_RGID (ISM-DEV-QUERY-RGID): success when a function with GID rgid is on this fabric and, with
    /// vlan_valid, has vlan_id in its VLAN table. GIDs of other fabrics are unknown.
    /// </summary>
    private IsmRet CmdQueryRgid(ulong rgid, bool vlanValid, uint vlanId)
    {
        if (!Fabric.TryGetFunction(rgid, out var target)) return IsmDeviceCodes.UnknownGid;
        if (!vlanValid) return IsmDeviceCodes.Success;
        if (vlanId > ushort.MaxValue) return IsmDeviceCodes.BadVlan;
        return target._vlans.Contains((ushort)vlanId) ? IsmDeviceCodes.Success : IsmDeviceCodes.VlanUnknown;
    }

    /// <summary>ADD_VLAN_ID (ISM-DEV-VLAN): ids up to 0xFFFF (SMC probes 0x1FFF, research §4.3); adding a present id is a no-op.</summary>
    private IsmRet CmdAddVlanId(ulong vlanId)
    {
        if (vlanId > ushort.MaxValue) return IsmDeviceCodes.BadVlan;
        if (_vlans.Contains((ushort)vlanId)) return IsmDeviceCodes.Success;
        if (_vlans.Count >= MaxVlanIds) return IsmDeviceCodes.VlanTableFull;
        _vlans.Add((ushort)vlanId);
        return IsmDeviceCodes.Success;
    }

    /// <summary>DEL_VLAN_ID (ISM-DEV-VLAN): VLAN_UNKNOWN when the id is not in the table.</summary>
    private IsmRet CmdDelVlanId(ulong vlanId)
    {
        if (vlanId > ushort.MaxValue) return IsmDeviceCodes.BadVlan;
        return _vlans.Remove((ushort)vlanId) ? IsmDeviceCodes.Success : IsmDeviceCodes.VlanUnknown;
    }

    /// <summary>SET_VLAN / RESET_VLAN (ISM-DEV-VLAN): set or clear vlan_required; reported by QUERY_INFO, no other effect.</summary>
    private IsmRet CmdSetVlanRequired(bool required)
    {
        _vlanRequired = required;
        return IsmDeviceCodes.Success;
    }
}
