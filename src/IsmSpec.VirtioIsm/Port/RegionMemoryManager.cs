using System.Buffers;

namespace IsmSpec.VirtioIsm.Port;

/// <summary>
/// A <see cref="Memory{T}"/> over native shared memory whose every <see cref="GetSpan"/> asks a guard first. The local
/// port guards with the region manager's current rights, so DETACH and GRANT take effect on the next access
/// (VISM-DETACH-RELEASE-MEMORY, VISM-DEC-PERM-ACCESS); a failed check throws <see cref="UnauthorizedAccessException"/>.
/// </summary>
internal sealed unsafe class RegionMemoryManager : MemoryManager<byte>
{
    private readonly byte* _pointer;
    private readonly int _length;
    private readonly Func<bool>? _guard;

    public RegionMemoryManager(byte* pointer, int length, Func<bool>? guard)
    {
        _pointer = pointer;
        _length = length;
        _guard = guard;
    }

    /// <summary>The guarded view (creating it checks nothing; every later access does).</summary>
    public Memory<byte> View => CreateMemory(_length);

    public override Span<byte> GetSpan()
    {
        if (_guard is { } guard && !guard()) throw new UnauthorizedAccessException("the region is not mapped for this access");
        return new Span<byte>(_pointer, _length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        var span = GetSpan();
        if ((uint)elementIndex > (uint)span.Length) throw new ArgumentOutOfRangeException(nameof(elementIndex));
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin() { }

    protected override void Dispose(bool disposing) { }
}
