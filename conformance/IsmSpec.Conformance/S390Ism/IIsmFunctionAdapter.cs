namespace IsmSpec.Conformance.S390Ism;

/// <summary>
/// An s390 ISM device under test: <see cref="Create"/> is called once per generated case and must return a
/// fresh fabric (one PCHID) with <c>functions</c> PCI functions on it (at least 2, so peers can reach each other).
/// </summary>
/// <example>
/// <code>
/// public sealed class MyAdapter : IIsmFunctionAdapter
/// {
///     public string Name => "my-ism";
///     public IsmTestBed Create(int functions, int hostMemory) =>
///         new(Enumerable.Range(0, functions).Select(_ => (IIsmFunctionPort)new MyPort(MyHardware.NewFunction(hostMemory))).ToList());
/// }
/// sealed class MyPort(MyFunction f) : IIsmFunctionPort
/// {
///     public ulong Gid => f.Gid;
///     public void WriteCommand(ReadOnlySpan&lt;byte&gt; block) => block.CopyTo(f.CommandArea);   // zPCI space 2
///     public void Execute() => f.RingDoorbell();
///     public void ReadResponse(Span&lt;byte&gt; into) => f.CommandArea[..into.Length].CopyTo(into);
///     public ushort StoreBlock(ulong dmbReq, ReadOnlySpan&lt;byte&gt; chunk) => f.Store(dmbReq, chunk); // space 0
///     public (ulong Start, ulong End) HostRange => (f.Host.Base, f.Host.Base + f.Host.Size);
///     public ulong Allocate(int length) => f.Host.AllocatePages(length);
///     public void ReadMemory(ulong dma, Span&lt;byte&gt; into) => f.Host.Read(dma, into);
///     public void WriteMemory(ulong dma, ReadOnlySpan&lt;byte&gt; bytes) => f.Host.Write(dma, bytes);
///     public long Interrupts => f.MsiCount;
/// }
/// </code>
/// </example>
public interface IIsmFunctionAdapter
{
    string Name { get; }

    /// <summary>A fresh fabric with <paramref name="functions"/> functions, each attached to its own host memory of at least <paramref name="hostMemory"/> bytes.</summary>
    IsmTestBed Create(int functions, int hostMemory);
}

/// <summary>
/// One ISM PCI function as a driver reaches it (research §4.1–4.2, §4.9): raw big-endian command blocks in
/// zPCI address space 2, store blocks into space 0 addressed by the move_data word, the host memory the
/// device reads and writes by DMA (SBA, IEQ, DMBs), and the MSI.
/// </summary>
public interface IIsmFunctionPort
{
    /// <summary>The function's GID (bytes 0..7, rule 53) as the fabric assigned it; READ_GID must return it.</summary>
    ulong Gid { get; }

    /// <summary>Stores a command block at offset 0 of the command area (request body and header, rule 44).</summary>
    void WriteCommand(ReadOnlySpan<byte> block);

    /// <summary>The doorbell: the device runs the stored command and writes its response over it.</summary>
    void Execute();

    /// <summary>Loads <c>into.Length</c> bytes from offset 0 of the command area (the response).</summary>
    void ReadResponse(Span<byte> into);

    /// <summary>One PCI store block into address space 0: <paramref name="dmbReq"/> is token | idx &lt;&lt; 24 | sf &lt;&lt; 23 | offset; returns the device's code (0 = stored).</summary>
    ushort StoreBlock(ulong dmbReq, ReadOnlySpan<byte> chunk);

    /// <summary>The DMA addresses [Start, End) that are this function's host memory.</summary>
    (ulong Start, ulong End) HostRange { get; }

    /// <summary>Driver side: reserves <paramref name="length"/> bytes of host memory at a fresh page-aligned DMA address.</summary>
    ulong Allocate(int length);

    /// <summary>Reads host memory (what the device wrote into SBA, IEQ or a DMB).</summary>
    void ReadMemory(ulong dma, Span<byte> into);

    /// <summary>Writes host memory as the driver does (pre-filling areas, clearing SBA bits in the interrupt handler).</summary>
    void WriteMemory(ulong dma, ReadOnlySpan<byte> bytes);

    /// <summary>How many interrupts (MSIs) the function has raised so far.</summary>
    long Interrupts { get; }
}

/// <summary>One fresh fabric: its functions, how late an interrupt may arrive, and what to release afterwards.</summary>
public sealed class IsmTestBed(IReadOnlyList<IIsmFunctionPort> functions, Action? dispose = null) : IDisposable
{
    public IReadOnlyList<IIsmFunctionPort> Functions { get; } = functions ?? throw new ArgumentNullException(nameof(functions));

    /// <summary>How long after a store or command returns its interrupt may still arrive (0: raised before the call returns).</summary>
    public TimeSpan InterruptLatency { get; init; } = TimeSpan.Zero;

    public void Dispose() => dispose?.Invoke();
}
