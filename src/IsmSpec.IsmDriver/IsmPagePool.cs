using IsmSpec.S390Ism;

namespace IsmSpec.IsmDriver;

/// <summary>
/// The driver's page allocator over one region of host memory (the kernel's folio_alloc / dma_map_page):
/// first fit over 4 KiB pages, zero-filled on allocation (rule 18, newest driver). Thread-safe.
/// </summary>
internal sealed class IsmPagePool
{
    public const int PageSize = IsmHostMemory.PageSize;

    private readonly IsmHostMemory _memory;
    private readonly ulong _base;
    private readonly bool[] _used;

    private IsmPagePool(IsmHostMemory memory, ulong @base, int pages)
    {
        _memory = memory;
        _base = @base;
        _used = new bool[pages];
    }

    /// <summary>Reserves <paramref name="bytes"/> of host memory for the pool; null when the host has no room (-ENOMEM).</summary>
    public static IsmPagePool? Create(IsmHostMemory memory, int bytes)
    {
        int pages = Math.Max(1, bytes / PageSize);
        try
        {
            return new IsmPagePool(memory, memory.Allocate(pages * PageSize), pages);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public static int PagesFor(long bytes) => (int)((bytes + PageSize - 1) / PageSize);

    /// <summary>DMA address of <paramref name="pages"/> zeroed contiguous pages, or null (-ENOMEM).</summary>
    public ulong? Allocate(int pages)
    {
        if (pages <= 0)
            return null;
        lock (_used)
        {
            for (int start = 0, run = 0; start + run < _used.Length;)
            {
                if (_used[start + run]) { start += run + 1; run = 0; continue; }
                if (++run < pages) continue;
                Array.Fill(_used, true, start, pages);
                ulong dma = _base + (ulong)start * PageSize;
                _memory.Span(dma, pages * PageSize).Clear();
                return dma;
            }
            return null;
        }
    }

    public void Free(ulong dma, int pages)
    {
        lock (_used)
            Array.Fill(_used, false, (int)((dma - _base) / PageSize), pages);
    }
}
