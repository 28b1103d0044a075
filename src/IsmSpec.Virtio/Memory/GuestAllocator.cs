namespace IsmSpec.Virtio.Memory;

/// <summary>A bump allocator of guest addresses for laying out rings and buffers (driver side, setup only).</summary>
public sealed class GuestAllocator
{
    private readonly IGuestMemory _memory;
    private ulong _next;

    public GuestAllocator(IGuestMemory memory)
    {
        _memory = memory;
        _next = memory.BaseAddress;
    }

    /// <summary>Reserves <paramref name="length"/> bytes aligned to <paramref name="alignment"/> (a power of two).</summary>
    public ulong Allocate(ulong length, ulong alignment = 16)
    {
        if (alignment == 0 || (alignment & (alignment - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(alignment));
        ulong start = (_next + alignment - 1) & ~(alignment - 1);
        if (start - _memory.BaseAddress > _memory.Length || length > _memory.Length - (start - _memory.BaseAddress))
            throw new InvalidOperationException($"guest memory exhausted: {length} bytes requested at 0x{start:X}");
        _next = start + length;
        return start;
    }
}
