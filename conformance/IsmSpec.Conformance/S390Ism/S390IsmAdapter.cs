using IsmSpec.S390Ism;

namespace IsmSpec.Conformance.S390Ism;

/// <summary>
/// The reference adapter: a fresh <see cref="IsmFabric"/> per bed (a new PCHID each time, so GIDs differ between
/// fabrics) with one <see cref="IsmFunction"/> per requested function, each on its own <see cref="IsmHostMemory"/>.
/// </summary>
public sealed class S390IsmAdapter : IIsmFunctionAdapter
{
    private static int s_pchid;

    public string Name => "s390-ism";

    public IsmTestBed Create(int functions, int hostMemory)
    {
        var fabric = new IsmFabric((ushort)(Interlocked.Increment(ref s_pchid) & 0xFFFF));
        return new IsmTestBed(Enumerable.Range(0, functions).Select(_ => (IIsmFunctionPort)new Port(fabric.CreateFunction(new IsmHostMemory(hostMemory)))).ToList());
    }

    /// <summary>An emulated function through the same raw paths a driver uses (research §4.1).</summary>
    public sealed class Port(IsmFunction function) : IIsmFunctionPort
    {
        public IsmFunction Function { get; } = function;
        public ulong Gid => Function.Gid;
        public void WriteCommand(ReadOnlySpan<byte> block) => block.CopyTo(Function.CommandArea);
        public void Execute() => Function.ExecuteCommand();
        public void ReadResponse(Span<byte> into) => Function.CommandArea[..into.Length].CopyTo(into);
        public ushort StoreBlock(ulong dmbReq, ReadOnlySpan<byte> chunk) => (ushort)Function.StoreBlock(dmbReq, chunk);
        public (ulong Start, ulong End) HostRange => (Function.HostMemory.DmaBase, Function.HostMemory.DmaBase + (ulong)Function.HostMemory.Size);
        public ulong Allocate(int length) => Function.HostMemory.Allocate(length);
        public void ReadMemory(ulong dma, Span<byte> into) => Function.HostMemory.Span(dma, into.Length).CopyTo(into);
        public void WriteMemory(ulong dma, ReadOnlySpan<byte> bytes) => bytes.CopyTo(Function.HostMemory.Span(dma, bytes.Length));
        public long Interrupts => Function.InterruptCount;
    }
}
