using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.VirtioIsm.Host;

/// <summary>
/// Region operations of version-2 (chunk/area) devices, on the same <see cref="RegionTable"/> as version 1: a region
/// is still one region_size slot, seen as <c>region_size / chunk_size</c> chunks; a region of <c>size</c> bytes is
/// listed as its first <c>max(1, ceil(size / chunk_size))</c> chunks (VISM2-DEC-AREAS). Commands name regions by
/// token (VISM2-DEC-TOKEN-KEYED).
/// </summary>
public sealed partial class IsmHost
{
    /// <summary>chunk_size of version-2 devices (a power of two).</summary>
    public ulong ChunkSize => Options.EffectiveChunkSize;

    /// <summary>Chunks per region slot.</summary>
    internal int ChunksPerSlot => (int)(Options.RegionSize / ChunkSize);

    /// <summary>Areas listed for a region of <paramref name="size"/> bytes (≤ region_size).</summary>
    internal int AreaCount(ulong size) => size == 0 ? 1 : (int)((size - 1) / ChunkSize + 1);

    internal ulong SlotOffset(int slot) => (ulong)slot * Options.RegionSize;

    /// <summary>ALLOC: refuses before allocating when the area list would not fit <paramref name="maxAreas"/>.</summary>
    internal IsmStatus AllocChunks(ulong devid, ulong size, int maxAreas, out ulong token, out int slot, out int areas)
    {
        token = 0;
        slot = -1;
        areas = 0;
        if (size > Options.RegionSize) return IsmStatus.TooLarge;
        if (AreaCount(size) > maxAreas) return IsmStatus.ReplyTooSmall;
        lock (_lock)
        {
            var status = _table.Alloc(devid, size, out token, out slot);
            if (status != IsmStatus.Ok) return status;
            SlotMemory(slot).Clear();                                           // zeroed before use, as in version 1
            areas = AreaCount(size);
            return status;
        }
    }

    /// <summary>ATTACH by token with the READ/WRITE of rw_perm checked against the requester's rights.</summary>
    internal IsmStatus AttachChunks(ulong devid, ulong token, VirtioIsmPerm need, int maxAreas, out int slot, out int areas)
    {
        areas = 0;
        lock (_lock)
        {
            if (!_table.TryFind(token, out slot)) return IsmStatus.UnknownToken;
            int count = AreaCount(_table.SizeOf(slot));
            if (count > maxAreas) return IsmStatus.ReplyTooSmall;
            var status = _table.Attach(devid, token, out slot, need);
            if (status == IsmStatus.Ok) areas = count;
            return status;
        }
    }

    /// <summary>The slot of the region with <paramref name="token"/>, if <paramref name="devid"/> references it.</summary>
    internal bool TryHeldByToken(ulong devid, ulong token, out int slot)
    {
        lock (_lock) return _table.TryFind(token, out slot) && _table.Holds(devid, slot);
    }

    /// <summary>GRANT_SET_DEFAULT (peer 0) or GRANT_SET_FOR_DEVICE, with CLEAN_DEFAULT (VISM2-DEC-CLEAN-DEFAULT).</summary>
    internal IsmStatus Assign(ulong devid, int slot, ulong peer, VirtioIsmPerm rights, bool cleanDefault)
    {
        lock (_lock) return _table.Assign(devid, slot, peer, rights, cleanDefault);
    }
}
