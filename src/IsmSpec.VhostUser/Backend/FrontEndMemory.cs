using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser.Native;
using IsmSpec.Virtio.Memory;

namespace IsmSpec.VhostUser.Backend;

/// <summary>
/// The front-end's memory as a back-end sees it after SET_MEM_TABLE: each region's descriptor mapped MAP_SHARED here,
/// addressed by guest-physical address (descriptors) or translated from a front-end user address (SET_VRING_ADDR,
/// research §5.1). Validates the table completely before mapping anything: 1..8 regions, one descriptor each, non-zero
/// sizes, no overflow, page-aligned offsets, inside the file, no overlapping guest or user ranges (README decision "memory table").
/// Used by one connection thread only; <see cref="Dispose"/> unmaps.
/// </summary>
public sealed unsafe class FrontEndMemory : IGuestMemory, IDisposable
{
    private readonly record struct Mapped(VhostUserMemoryRegion Region, nint Address, ulong MapLength, nint Start);

    private readonly Mapped[] _regions;
    private bool _disposed;

    private FrontEndMemory(Mapped[] regions)
    {
        _regions = regions;
        BaseAddress = regions.Min(r => r.Region.GuestPhysAddr);
        Length = regions.Max(r => r.Region.GuestPhysAddr + r.Region.MemorySize) - BaseAddress;
    }

    public ulong BaseAddress { get; }
    public ulong Length { get; }
    public int RegionCount => _regions.Length;

    /// <summary>Maps a SET_MEM_TABLE payload with its descriptors; null (nothing mapped, nothing taken) with a reason when invalid.</summary>
    public static FrontEndMemory? TryCreate(ReadOnlySpan<byte> payload, ReadOnlySpan<int> fds, out string error)
    {
        error = "";
        if (!VhostUserMemory.TryReadMessage(payload, out var table, out var tail) || table.Nregions is 0 or > (uint)VhostUserSpec.VhostMemoryBaselineNregions
            || payload.Length != VhostUserMemory.Size + (int)table.Nregions * VhostUserMemory.RegionsElementSize)
        { error = $"SET_MEM_TABLE payload of {payload.Length} bytes is not 8 + n·32 with n in 1..8"; return null; }
        int n = (int)table.Nregions;
        if (fds.Length != n) { error = $"SET_MEM_TABLE with {n} regions carried {fds.Length} descriptors"; return null; }
        var regions = new VhostUserMemoryRegion[n];
        for (int i = 0; i < n; i++)
        {
            var r = regions[i] = VhostUserMemory.GetRegions(tail, i);
            long fileSize = UnixNative.FileSize(fds[i]);
            if (r.MemorySize == 0 || r.MemorySize > int.MaxValue || r.MmapOffset % UnixNative.PageSize != 0 || fileSize <= 0
                || r.MmapOffset > (ulong)fileSize || r.MemorySize > (ulong)fileSize - r.MmapOffset
                || r.GuestPhysAddr > ulong.MaxValue - r.MemorySize || r.UserspaceAddr > ulong.MaxValue - r.MemorySize)
            { error = $"memory region {i} (gpa 0x{r.GuestPhysAddr:X}, size 0x{r.MemorySize:X}, offset 0x{r.MmapOffset:X}) is out of range of its {fileSize}-byte descriptor"; return null; }
            for (int j = 0; j < i; j++)
                if (Overlap(r.GuestPhysAddr, regions[j].GuestPhysAddr, r.MemorySize, regions[j].MemorySize)
                    || Overlap(r.UserspaceAddr, regions[j].UserspaceAddr, r.MemorySize, regions[j].MemorySize))
                { error = $"memory regions {j} and {i} overlap"; return null; }
        }
        var mapped = new List<Mapped>();
        for (int i = 0; i < n; i++)
        {
            var r = regions[i];
            ulong length = r.MmapOffset + r.MemorySize;
            nint address = UnixNative.Mmap(0, (nuint)length, UnixNative.PROT_READ | UnixNative.PROT_WRITE, UnixNative.MAP_SHARED, fds[i], 0);
            if (address == UnixNative.MAP_FAILED)
            {
                error = $"mmap of memory region {i} failed (errno {UnixNative.Errno})";
                foreach (var m in mapped) UnixNative.Munmap(m.Address, (nuint)m.MapLength);
                return null;
            }
            mapped.Add(new Mapped(r, address, length, address + (nint)r.MmapOffset));
        }
        return new FrontEndMemory(mapped.ToArray());
    }

    private static bool Overlap(ulong a, ulong b, ulong lengthA, ulong lengthB) => a < b + lengthB && b < a + lengthA;

    /// <summary>The guest address of <paramref name="length"/> bytes at front-end user address <paramref name="userAddress"/>, when one region holds them all.</summary>
    public bool TryUserToGuest(ulong userAddress, ulong length, out ulong guestAddress)
    {
        foreach (var m in _regions)
        {
            ulong start = m.Region.UserspaceAddr;
            if (userAddress >= start && userAddress - start <= m.Region.MemorySize && length <= m.Region.MemorySize - (userAddress - start))
            {
                guestAddress = m.Region.GuestPhysAddr + (userAddress - start);
                return true;
            }
        }
        guestAddress = 0;
        return false;
    }

    public bool TryGetSpan(ulong address, uint length, out Span<byte> span)
    {
        foreach (var m in _regions)
        {
            if (GuestMemoryBounds.TryOffset(m.Region.GuestPhysAddr, m.Region.MemorySize, address, length, out ulong offset))
            {
                span = new Span<byte>((byte*)m.Start + offset, (int)length);
                return true;
            }
        }
        span = default;
        return false;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var m in _regions) UnixNative.Munmap(m.Address, (nuint)m.MapLength);
    }
}
