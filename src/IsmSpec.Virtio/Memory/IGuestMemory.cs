namespace IsmSpec.Virtio.Memory;

/// <summary>
/// Memory shared by a virtio driver and device, addressed by guest address (virtio 1.x §2.7.5: descriptors carry
/// guest-physical addresses). Every access the device half makes goes through <see cref="TryGetSpan"/>, whose bounds
/// check is the only thing standing between a hostile driver and memory outside the region.
/// </summary>
public interface IGuestMemory
{
    /// <summary>First valid guest address.</summary>
    ulong BaseAddress { get; }

    /// <summary>Number of bytes from <see cref="BaseAddress"/>.</summary>
    ulong Length { get; }

    /// <summary>
    /// A view of <paramref name="length"/> bytes at guest address <paramref name="address"/>; false (and an empty span)
    /// when any byte of the range lies outside the region. Never throws, never allocates.
    /// </summary>
    bool TryGetSpan(ulong address, uint length, out Span<byte> span);
}

/// <summary>Bounds arithmetic shared by the implementations (overflow-safe).</summary>
public static class GuestMemoryBounds
{
    /// <summary>The offset of <paramref name="address"/> inside [base, base+length) when the whole range fits.</summary>
    public static bool TryOffset(ulong baseAddress, ulong regionLength, ulong address, uint length, out ulong offset)
    {
        offset = 0;
        if (address < baseAddress) return false;
        ulong rel = address - baseAddress;
        if (rel > regionLength || length > regionLength - rel) return false;
        offset = rel;
        return true;
    }

    /// <summary>Throws when a driver-side (trusted) access is out of range: a bug in the caller, not hostile input.</summary>
    public static Span<byte> Get(this IGuestMemory memory, ulong address, uint length) =>
        memory.TryGetSpan(address, length, out var span)
            ? span
            : throw new ArgumentOutOfRangeException(nameof(address), $"guest range 0x{address:X}+{length} lies outside the memory");
}
