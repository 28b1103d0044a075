using System.Buffers;

namespace IsmSpec.Smc.SharedMemory;

/// <summary>A <see cref="Memory{T}"/> over mapped memory (a DMB inside a memfd mapping); valid while the mapping lives.</summary>
internal sealed unsafe class UnmanagedMemoryManager(byte* pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);
    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);
    public override void Unpin() { }
    protected override void Dispose(bool disposing) { }
}
