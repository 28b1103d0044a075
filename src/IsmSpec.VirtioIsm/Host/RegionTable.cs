using System.Security.Cryptography;
using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.VirtioIsm.Host;

/// <summary>
/// The host-wide region manager: which slots of the REGIONS space are in use, their tokens, who references them,
/// and their permissions. Pure bookkeeping, no virtqueues and no locking (<see cref="IsmHost"/> holds the lock).
/// Offsets are host-wide: every device maps the whole REGIONS space, so a region has the same offset in every guest
/// (decision VISM-DEC-HOST-OFFSETS). Nothing allocates after construction (fixed arrays, pre-sized dictionaries).
/// </summary>
internal sealed class RegionTable
{
    private sealed class Region
    {
        public bool InUse;
        public ulong Token;
        public ulong Size;                 // requested size (version 2 lists one area per chunk of it)
        public ulong Owner, Peer;          // draft statement 21: at most two guests, fixed by the first attach
        public bool OwnerRef, PeerRef;
        public required RegionPermissions Perms;
    }

    private readonly Region[] _regions;
    private readonly Dictionary<ulong, int> _byToken;
    private readonly Dictionary<ulong, int> _refsByDevice = new();
    private readonly ulong _regionSize;
    private readonly int _maxRefs;
    private readonly ulong _budget;
    private int _inUse;

    public RegionTable(IsmHostOptions options)
    {
        _regionSize = options.RegionSize;
        _maxRefs = options.MaxReferencesPerDevice;
        _budget = options.MemoryBudget;
        _regions = new Region[options.RegionCount];
        for (int i = 0; i < _regions.Length; i++) _regions[i] = new Region { Perms = new RegionPermissions(options.MaxGrantEntries) };
        _byToken = new Dictionary<ulong, int>(options.RegionCount);
    }

    public int Count => _regions.Length;
    public int InUse => _inUse;

    public void AddDevice(ulong devid) => _refsByDevice.Add(devid, 0);
    public void RemoveDevice(ulong devid) => _refsByDevice.Remove(devid);
    public int References(ulong devid) => _refsByDevice.GetValueOrDefault(devid);

    /// <summary>ALLOC (draft statements 12-17): a fresh slot, a fresh token, the allocator as first referrer.</summary>
    public IsmStatus Alloc(ulong devid, ulong size, out ulong token, out int slot)
    {
        token = 0;
        slot = -1;
        if (size > _regionSize) return IsmStatus.TooLarge;                       // (16)
        if (References(devid) >= _maxRefs) return IsmStatus.NoSpace;              // (13) the device's window is full
        for (int i = 0; i < _regions.Length && slot < 0; i++) if (!_regions[i].InUse) slot = i;
        if (slot < 0) return IsmStatus.NoSpace;                                   // (13) no free slot; (17) whole slots only
        if ((ulong)(_inUse + 1) * _regionSize > _budget) { slot = -1; return IsmStatus.NoMemory; } // (14)
        token = NewToken();                                                       // (12)
        var r = _regions[slot];
        r.InUse = true;
        r.Token = token;
        r.Size = size;
        r.Owner = devid;
        r.OwnerRef = true;
        r.Peer = 0;
        r.PeerRef = false;
        r.Perms.Reset(devid);
        _byToken.Add(token, slot);
        _inUse++;
        _refsByDevice[devid]++;
        return IsmStatus.Ok;
    }

    /// <summary>
    /// ATTACH (statements 19-21): by token, exclusive to the allocator and the first attaching guest. Version 2 passes
    /// the READ/WRITE bits of rw_perm in <paramref name="need"/>; they must be among the requester's rights
    /// (VISM2-DEC-ATTACH-RW-PERM).
    /// </summary>
    public IsmStatus Attach(ulong devid, ulong token, out int slot, VirtioIsmPerm need = 0)
    {
        if (token == 0 || !_byToken.TryGetValue(token, out slot)) { slot = -1; return IsmStatus.UnknownToken; } // (20)
        var r = _regions[slot];
        bool isOwner = devid == r.Owner, isPeer = r.Peer != 0 && devid == r.Peer;
        if ((isOwner && r.OwnerRef) || (isPeer && r.PeerRef)) return IsmStatus.AlreadyAttached;
        if (!isOwner && !isPeer && r.Peer != 0) return IsmStatus.Exclusive;      // (21)
        var rights = r.Perms.Effective(devid);
        if ((rights & VirtioIsmPerm.Attach) == 0) return IsmStatus.NotPermitted;
        if ((need & VirtioIsmPerm.Read) != 0 && (rights & VirtioIsmPerm.Read) == 0) return IsmStatus.NoReadRight;
        if ((need & VirtioIsmPerm.Write) != 0 && (rights & VirtioIsmPerm.Write) == 0) return IsmStatus.NoWriteRight;
        if (References(devid) >= _maxRefs) return IsmStatus.NoSpace;              // (19)
        if (isOwner) r.OwnerRef = true;
        else { r.Peer = devid; r.PeerRef = true; }
        _refsByDevice[devid]++;
        return IsmStatus.Ok;
    }

    /// <summary>DETACH (statements 22-24): drops this device's reference; the slot is freed with the last one.</summary>
    public IsmStatus Detach(ulong devid, int slot, out bool freed)
    {
        freed = false;
        if (!Holds(devid, slot)) return IsmStatus.UnknownOffset;                  // (22), VISM-DEC-DETACH-OWN
        var r = _regions[slot];
        if (devid == r.Owner && r.OwnerRef) r.OwnerRef = false; else r.PeerRef = false;
        _refsByDevice[devid]--;
        if (!r.OwnerRef && !r.PeerRef)                                           // (24)
        {
            _byToken.Remove(r.Token);
            r.InUse = false;
            r.Token = 0;
            _inUse--;
            freed = true;
        }
        return IsmStatus.Ok;
    }

    /// <summary>GRANT (statements 25-26): only a referrer holding MANAGE may change the region's permissions.</summary>
    public IsmStatus Grant(ulong devid, int slot, ulong peerDevid, VirtioIsmPerm permissions)
    {
        if (!Holds(devid, slot)) return IsmStatus.UnknownOffset;                  // (25)
        var perms = _regions[slot].Perms;
        if ((perms.Effective(devid) & VirtioIsmPerm.Manage) == 0) return IsmStatus.NotPermitted; // (26)
        return perms.Apply(peerDevid, permissions);
    }

    /// <summary>Version 2 GRANT_SET_DEFAULT / GRANT_SET_FOR_DEVICE: MANAGE holders only, as in version 1.</summary>
    public IsmStatus Assign(ulong devid, int slot, ulong peerDevid, VirtioIsmPerm rights, bool cleanDefault)
    {
        if (!Holds(devid, slot)) return IsmStatus.UnknownOffset;
        var perms = _regions[slot].Perms;
        if ((perms.Effective(devid) & VirtioIsmPerm.Manage) == 0) return IsmStatus.NotPermitted;
        return perms.Assign(peerDevid, rights, cleanDefault);
    }

    /// <summary>The slot of the live region with this token (version 2 names regions by token).</summary>
    public bool TryFind(ulong token, out int slot)
    {
        slot = -1;
        return token != 0 && _byToken.TryGetValue(token, out slot);
    }

    /// <summary>The size ALLOC asked for (0 for a free slot).</summary>
    public ulong SizeOf(int slot) => IsInUse(slot) ? _regions[slot].Size : 0;

    /// <summary>True when <paramref name="devid"/> currently references the region in <paramref name="slot"/>.</summary>
    public bool Holds(ulong devid, int slot)
    {
        if ((uint)slot >= (uint)_regions.Length) return false;
        var r = _regions[slot];
        return r.InUse && ((r.OwnerRef && r.Owner == devid) || (r.PeerRef && r.Peer == devid));
    }

    /// <summary>The rights a referrer has on the region now (0 when it holds no reference): checked on every access.</summary>
    public VirtioIsmPerm Access(ulong devid, int slot) => Holds(devid, slot) ? _regions[slot].Perms.Effective(devid) : 0;

    /// <summary>
    /// Update routing (statement 3, VISM-DEC-UPDATE): a notify by a referrer with WRITE reaches the other referrer of the
    /// pair if it holds a reference with READ. Returns that devid, or 0.
    /// </summary>
    public ulong UpdateTarget(ulong fromDevid, int slot)
    {
        if ((Access(fromDevid, slot) & VirtioIsmPerm.Write) == 0) return 0;
        var r = _regions[slot];
        ulong other = fromDevid == r.Owner ? (r.PeerRef ? r.Peer : 0) : (r.OwnerRef ? r.Owner : 0);
        return other != 0 && (r.Perms.Effective(other) & VirtioIsmPerm.Read) != 0 ? other : 0;
    }

    /// <summary>Token of a live region (tests and diagnostics).</summary>
    public ulong TokenOf(int slot) => (uint)slot < (uint)_regions.Length && _regions[slot].InUse ? _regions[slot].Token : 0;

    public bool IsInUse(int slot) => (uint)slot < (uint)_regions.Length && _regions[slot].InUse;

    /// <summary>Offset ↔ slot: only multiples of region_size inside the space name a slot.</summary>
    public bool TrySlot(ulong offset, out int slot)
    {
        slot = -1;
        if (offset % _regionSize != 0 || offset / _regionSize >= (ulong)_regions.Length) return false;
        slot = (int)(offset / _regionSize);
        return true;
    }

    // Statement 12 / VISM-DEC-TOKEN: 64 bits from the OS CSPRNG, never 0, never equal to a live region's token.
    private ulong NewToken()
    {
        Span<byte> bytes = stackalloc byte[8];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            ulong token = BitConverter.ToUInt64(bytes);
            if (token != 0 && !_byToken.ContainsKey(token)) return token;
        }
    }
}
