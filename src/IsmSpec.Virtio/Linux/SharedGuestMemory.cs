using IsmSpec.Virtio.Memory;

namespace IsmSpec.Virtio.Linux;

/// <summary>Guest memory over a <see cref="SharedMemoryRegion"/>: guest address = base + offset into the memfd.</summary>
public sealed class SharedGuestMemory : IGuestMemory
{
    private readonly SharedMemoryRegion _region;

    public SharedGuestMemory(SharedMemoryRegion region, ulong baseAddress = 0)
    {
        if (region.Length > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(region), "regions above 2 GiB are not supported");
        _region = region;
        BaseAddress = baseAddress;
    }

    public ulong BaseAddress { get; }
    public ulong Length => (ulong)_region.Length;

    public bool TryGetSpan(ulong address, uint length, out Span<byte> span)
    {
        if (!GuestMemoryBounds.TryOffset(BaseAddress, Length, address, length, out ulong offset))
        {
            span = default;
            return false;
        }
        span = _region.Span.Slice((int)offset, (int)length);
        return true;
    }
}
