using IsmSpec.VirtioIsm.Driver;

namespace IsmSpec.VirtioIsm.Dibs;

/// <summary>A DMB this device registered: a region it ALLOCated, its local index and the length the client asked for.</summary>
internal sealed class OwnDmb(uint idx, uint len, IsmRegion region)
{
    public uint Idx { get; } = idx;
    public uint Len { get; } = len;
    public IsmRegion Region { get; } = region;
    public ulong Token => Region.Token;

    /// <summary>Exactly dmb_len bytes of the region (IDibsDmbMemory contract).</summary>
    public Memory<byte> Memory { get; } = region.Memory[..(int)len];
}

/// <summary>
/// A peer's DMB this device ATTACHed: by move_data on demand (cached, <see cref="ExplicitRefs"/> 0) or by attach_dmb
/// (counted). Its length is region_size: the draft's ATTACH reply carries only the offset, so the owner's dmb_len is
/// not known here.
/// </summary>
internal sealed class Attachment(ulong token, IsmRegion region)
{
    public ulong Token { get; } = token;
    public IsmRegion Region { get; } = region;
    public uint Len { get; } = (uint)region.Size;

    /// <summary>Successful attach_dmb calls not yet balanced by detach_dmb (rule 68).</summary>
    public int ExplicitRefs { get; set; }

    /// <summary>Logical clock of the last move_data through this attachment (for eviction of idle entries).</summary>
    public long LastUse;
}
