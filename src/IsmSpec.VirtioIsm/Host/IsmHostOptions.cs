using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.VirtioIsm.Host;

/// <summary>Configuration of one device host (one physical machine in the draft's picture, several guests).</summary>
public sealed record IsmHostOptions
{
    /// <summary>Names the host; with /etc/machine-id it determines <c>gid</c> (draft statement 1, VISM-DEC-GID-DERIVED).</summary>
    public string HostName { get; init; } = "default";

    /// <summary>Number of region slots in the host-wide REGIONS space.</summary>
    public int RegionCount { get; init; } = 16;

    /// <summary><c>region_size</c> of the config: every slot's size (draft "Configuration layout"). A multiple of 4096.</summary>
    public ulong RegionSize { get; init; } = 64 * 1024;

    /// <summary>
    /// <c>chunk_size</c> of a version-2 device's config: the allocation granule; a power of two dividing
    /// <see cref="RegionSize"/>, at most 64 chunks per region. 0 (default) = the largest power of two that divides
    /// RegionSize and is at most max(4096, RegionSize / 4). Version-1 devices ignore it.
    /// </summary>
    public ulong ChunkSize { get; init; }

    /// <summary>The chunk size in force (<see cref="ChunkSize"/> or its default).</summary>
    public ulong EffectiveChunkSize
    {
        get
        {
            if (ChunkSize != 0) return ChunkSize;
            ulong cap = Math.Max(4096, RegionSize / 4), chunk = RegionSize & (~RegionSize + 1);   // lowest set bit
            while (chunk > cap) chunk >>= 1;
            return chunk;
        }
    }

    /// <summary>
    /// Whether <see cref="EffectiveChunkSize"/> is usable by version-2 devices (an explicit ChunkSize is checked when the
    /// host is created; the default only when a version-2 device is, so odd region sizes stay fine for version 1).
    /// </summary>
    internal bool ChunkSizeValid
    {
        get
        {
            ulong chunk = EffectiveChunkSize;
            return chunk != 0 && (chunk & (chunk - 1)) == 0 && RegionSize % chunk == 0 && RegionSize / chunk <= 64;
        }
    }

    /// <summary><c>notify_size</c> of the config: bytes of one region's notify address in the NOTIFY memory.</summary>
    public ulong NotifySize { get; init; } = 8;

    /// <summary>References (allocated or attached regions) one device may hold: its REGIONS window (VISM-DEC-WINDOW-LIMIT).</summary>
    public int MaxReferencesPerDevice { get; init; } = 16;

    /// <summary>Bytes of region memory the host may back at once; beyond it ALLOC acks ERR (draft statement 14).</summary>
    public ulong MemoryBudget { get; init; } = ulong.MaxValue;

    /// <summary>Per-device permission entries one region can hold (GRANT beyond it acks ERR, VISM-DEC-GRANT-TABLE).</summary>
    public int MaxGrantEntries { get; init; } = 8;

    /// <summary>Interrupt vectors per device usable with EVENT_VECTOR (0 .. VectorCount-1).</summary>
    public int VectorCount { get; init; } = 8;

    /// <summary>Guest RAM per device endpoint (virtqueues and command buffers live here).</summary>
    public int GuestMemoryBytes { get; init; } = 256 * 1024;

    /// <summary>Features every device offers.</summary>
    public ulong DeviceFeatures { get; init; } =
        VirtioSpec.VirtioFVersion1 | VirtioSpec.VirtioFEventIdx | VirtioIsmSpec.VirtioIsmFEventVq | VirtioIsmSpec.VirtioIsmFEventIrq;

    internal void Validate()
    {
        if (RegionCount <= 0 || RegionCount > 4096) throw new ArgumentOutOfRangeException(nameof(RegionCount));
        if (RegionSize == 0 || RegionSize % 4096 != 0) throw new ArgumentOutOfRangeException(nameof(RegionSize), "a positive multiple of 4096");
        if ((ulong)RegionCount * RegionSize > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(RegionSize), "REGIONS space above 2 GiB");
        if (ChunkSize != 0 && !ChunkSizeValid)
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), "a power of two dividing RegionSize, at most 64 chunks per region");
        if (NotifySize == 0 || NotifySize > 4096) throw new ArgumentOutOfRangeException(nameof(NotifySize));
        if (MaxGrantEntries <= 0 || VectorCount <= 0 || MaxReferencesPerDevice <= 0) throw new ArgumentOutOfRangeException(nameof(MaxGrantEntries));
    }
}
