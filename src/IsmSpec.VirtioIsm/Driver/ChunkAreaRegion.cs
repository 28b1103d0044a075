using IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>
/// A region of a version-2 (chunk/area) device: its token, the areas ALLOC or ATTACH listed, one view per area
/// (<see cref="Chunks"/>), and, when the areas are contiguous, one view over all of them (<see cref="Memory"/>).
/// <see cref="Notify"/> kicks through the notify address of the region's first chunk (VISM2-KICK-NOTIFY-ADDR).
/// </summary>
public sealed class ChunkAreaRegion
{
    private readonly ChunkAreaDriver _driver;

    internal ChunkAreaRegion(ChunkAreaDriver driver, ulong token, VirtioIsmArea[] areas, bool allocated)
    {
        _driver = driver;
        Token = token;
        Areas = areas;
        Allocated = allocated;
        Offset = areas[0].Offset;
        bool contiguous = true;
        ulong next = Offset;
        var chunks = new Memory<byte>[areas.Length];
        var readOnly = new ReadOnlyMemory<byte>[areas.Length];
        for (int i = 0; i < areas.Length; i++)
        {
            contiguous &= areas[i].Offset == next;
            next = areas[i].Offset + areas[i].SizeField;
            Size += areas[i].SizeField;
            chunks[i] = driver.Port.MapRegions(areas[i].Offset, areas[i].SizeField, writable: true);
            readOnly[i] = driver.Port.MapRegions(areas[i].Offset, areas[i].SizeField, writable: false);
        }
        Chunks = chunks;
        ReadOnlyChunks = readOnly;
        IsContiguous = contiguous;
        if (contiguous)
        {
            Memory = driver.Port.MapRegions(Offset, Size, writable: true);
            ReadOnlyMemory = driver.Port.MapRegions(Offset, Size, writable: false);
        }
    }

    public ulong Token { get; }
    /// <summary>The areas of the reply, in order.</summary>
    public IReadOnlyList<VirtioIsmArea> Areas { get; }
    /// <summary>Offset of the first area: the region's name in events and for the notify address.</summary>
    public ulong Offset { get; }
    /// <summary>Sum of the areas' sizes.</summary>
    public ulong Size { get; }
    public bool Allocated { get; }
    public bool IsContiguous { get; }
    public bool Detached { get; internal set; }
    public int Vector { get; internal set; } = -1;

    /// <summary>One writable view per area (each access needs a live reference with WRITE).</summary>
    public IReadOnlyList<Memory<byte>> Chunks { get; }
    public IReadOnlyList<ReadOnlyMemory<byte>> ReadOnlyChunks { get; }

    /// <summary>All areas as one view when they are contiguous; empty otherwise.</summary>
    public Memory<byte> Memory { get; }
    public ReadOnlyMemory<byte> ReadOnlyMemory { get; }

    public void Notify() => _driver.NotifyRegion(this);

    public Task<ChunkAreaResult> DetachAsync() => _driver.DetachAsync(this);

    public Task<ChunkAreaResult> GrantDefaultAsync(VirtioIsmPerm permissions) => _driver.GrantSetDefaultAsync(Token, permissions);

    public Task<ChunkAreaResult> GrantAsync(ulong peerDevid, VirtioIsmPerm permissions) => _driver.GrantSetForDeviceAsync(Token, peerDevid, permissions);

    public override string ToString() => $"region 0x{Offset:X} ({Areas.Count} areas, {Size} bytes, token 0x{Token:X16})";
}
