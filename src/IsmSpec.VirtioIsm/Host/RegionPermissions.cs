using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.VirtioIsm.Host;

/// <summary>
/// The permission model of one region (draft "Permissions" section, GRANT command): default rights for devices not
/// named individually (peer_devid 0), per-device entries that override the default, and DENY_OTHER, which takes the
/// attach right from every device without an entry. Fixed capacity: nothing allocates after construction.
/// Decisions: VISM-DEC-GRANT-DEFAULT (defaults READ|WRITE|ATTACH), VISM-DEC-GRANT-OWNER (the allocator gets a
/// per-device entry READ|WRITE|ATTACH|MANAGE), VISM-DEC-DENY-OTHER (DENY_OTHER is a region flag set by any GRANT that
/// carries it and cleared by a default GRANT without it).
/// </summary>
internal sealed class RegionPermissions
{
    public const VirtioIsmPerm Rights = VirtioIsmPerm.Read | VirtioIsmPerm.Write | VirtioIsmPerm.Attach | VirtioIsmPerm.Manage;
    public const VirtioIsmPerm DefaultRights = VirtioIsmPerm.Read | VirtioIsmPerm.Write | VirtioIsmPerm.Attach;

    private readonly ulong[] _devids;
    private readonly VirtioIsmPerm[] _perms;
    private int _count;

    public RegionPermissions(int capacity)
    {
        _devids = new ulong[capacity];
        _perms = new VirtioIsmPerm[capacity];
    }

    public VirtioIsmPerm Default { get; private set; }
    public bool DenyOther { get; private set; }

    /// <summary>Fresh region: defaults, no DENY_OTHER, and the allocator's own entry with every right.</summary>
    public void Reset(ulong owner)
    {
        _count = 0;
        Default = DefaultRights;
        DenyOther = false;
        Set(owner, Rights);
    }

    /// <summary>The rights <paramref name="devid"/> holds: its own entry, else the default (without ATTACH under DENY_OTHER).</summary>
    public VirtioIsmPerm Effective(ulong devid)
    {
        for (int i = 0; i < _count; i++)
            if (_devids[i] == devid) return _perms[i];
        return DenyOther ? Default & ~VirtioIsmPerm.Attach : Default;
    }

    /// <summary>Applies a GRANT whose sender was already checked for MANAGE (draft statement 26).</summary>
    public IsmStatus Apply(ulong peerDevid, VirtioIsmPerm permissions)
    {
        if (!VirtioIsmPermInfo.IsDefined(permissions)) return IsmStatus.BadArgument;
        bool deny = (permissions & VirtioIsmPerm.DenyOther) != 0;
        var rights = permissions & Rights;
        if (peerDevid == 0)
        {
            Default = rights;
            DenyOther = deny;
            return IsmStatus.Ok;
        }
        if (!Set(peerDevid, rights)) return IsmStatus.TableFull;
        if (deny) DenyOther = true;
        return IsmStatus.Ok;
    }

    /// <summary>
    /// Version 2 GRANT (sender already checked for MANAGE): <paramref name="peerDevid"/> 0 sets the default rights
    /// (GRANT_SET_DEFAULT), another devid that device's entry (GRANT_SET_FOR_DEVICE). CLEAN_DEFAULT (IsmSpec's reading,
    /// VISM2-DEC-CLEAN-DEFAULT) first clears the default rights to none, so with a per-device GRANT every device without
    /// its own entry loses READ, WRITE and ATTACH. All or nothing: a full table changes nothing.
    /// </summary>
    public IsmStatus Assign(ulong peerDevid, VirtioIsmPerm rights, bool cleanDefault)
    {
        rights &= Rights;
        if (peerDevid == 0)
        {
            Default = rights;                              // cleared first, then set: the result is the new rights
            DenyOther = false;
            return IsmStatus.Ok;
        }
        if (!Set(peerDevid, rights)) return IsmStatus.TableFull;
        if (cleanDefault) Default = 0;
        return IsmStatus.Ok;
    }

    private bool Set(ulong devid, VirtioIsmPerm rights)
    {
        for (int i = 0; i < _count; i++)
            if (_devids[i] == devid) { _perms[i] = rights; return true; }
        if (_count == _devids.Length) return false;
        _devids[_count] = devid;
        _perms[_count++] = rights;
        return true;
    }
}
