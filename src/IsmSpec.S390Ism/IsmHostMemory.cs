namespace IsmSpec.S390Ism;

/// <summary>
/// The memory of one host (LPAR) as the ISM function sees it through DMA: one flat byte array at a fake
/// DMA base address. The driver side allocates SBA (4 KiB), IEQ (the kernel allocates a page and
/// registers 512 bytes, research §4.7) and DMB buffers here and passes their DMA addresses in REG_SBA,
/// REG_IEQ and REG_DMB; the device reaches host memory only through <see cref="TryMap"/>.
/// </summary>
public sealed class IsmHostMemory
{
    /// <summary>Page size used for alignment checks (s390 pages and the move_data chunk are 4 KiB).</summary>
    public const int PageSize = 4096;

    private readonly byte[] _bytes;
    private long _next;

    /// <param name="size">bytes of host memory</param>
    /// <param name="dmaBase">the DMA address of byte 0; must be page aligned</param>
    public IsmHostMemory(int size, ulong dmaBase = 0x0000_0001_0000_0000UL)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (dmaBase % PageSize != 0) throw new ArgumentException("the DMA base must be page aligned", nameof(dmaBase));
        _bytes = new byte[size];
        DmaBase = dmaBase;
    }

    public ulong DmaBase { get; }
    public int Size => _bytes.Length;

    /// <summary>All of host memory (for the driver side and for tests that check nothing outside a DMB changed).</summary>
    public Span<byte> All => _bytes;

    /// <summary>Driver side: reserves <paramref name="length"/> bytes at the next <paramref name="align"/>-aligned address; returns its DMA address.</summary>
    public ulong Allocate(int length, int align = PageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(align);
        long start = (_next + align - 1) / align * align;
        if (start + length > _bytes.Length) throw new InvalidOperationException("host memory exhausted");
        _next = start + length;
        return DmaBase + (ulong)start;
    }

    /// <summary>The bytes at a DMA address (throws when out of range; driver side and tests).</summary>
    public Span<byte> Span(ulong dma, int length) =>
        TryMap(dma, length, out var memory) ? memory.Span : throw new ArgumentOutOfRangeException(nameof(dma), "not host memory");

    /// <summary>Device side: maps [dma, dma + length) to memory; false when any byte lies outside host memory.</summary>
    public bool TryMap(ulong dma, long length, out Memory<byte> memory)
    {
        memory = default;
        if (length < 0 || dma < DmaBase) return false;
        ulong offset = dma - DmaBase;
        if (offset > (ulong)_bytes.Length || (ulong)length > (ulong)_bytes.Length - offset) return false;
        memory = _bytes.AsMemory((int)offset, (int)length);
        return true;
    }
}
