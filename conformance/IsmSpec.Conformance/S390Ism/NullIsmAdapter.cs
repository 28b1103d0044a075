namespace IsmSpec.Conformance.S390Ism;

/// <summary>
/// A do-nothing stub and the starting point for a third party's adapter: its functions have GID 0, ignore
/// every command (a load from the command area reads all ones, so ret is 0xFFFF = ISM_ERROR, research §4.2
/// step 4) and refuse every store with ISM_ERROR; only host memory (the driver's side) is real. Every
/// requirement fails against it with a message; none crashes the run.
/// </summary>
public sealed class NullIsmAdapter : IIsmFunctionAdapter
{
    public string Name => "s390-ism-null";

    public IsmTestBed Create(int functions, int hostMemory) =>
        new(Enumerable.Range(0, functions).Select(_ => (IIsmFunctionPort)new NullPort(hostMemory)).ToList());

    private sealed class NullPort(int hostMemory) : IIsmFunctionPort
    {
        private const ulong Base = 0x0000_0001_0000_0000UL;
        private readonly byte[] _host = new byte[hostMemory];
        private long _next;

        public ulong Gid => 0;
        public void WriteCommand(ReadOnlySpan<byte> block) { }
        public void Execute() { }
        public void ReadResponse(Span<byte> into) => into.Fill(0xFF);
        public ushort StoreBlock(ulong dmbReq, ReadOnlySpan<byte> chunk) => 0xFFFF;
        public (ulong Start, ulong End) HostRange => (Base, Base + (ulong)_host.Length);
        public long Interrupts => 0;

        public ulong Allocate(int length)
        {
            long start = (_next + 4095) / 4096 * 4096;
            if (start + length > _host.Length) throw new InvalidOperationException("host memory exhausted");
            _next = start + length;
            return Base + (ulong)start;
        }

        public void ReadMemory(ulong dma, Span<byte> into) => _host.AsSpan(checked((int)(dma - Base)), into.Length).CopyTo(into);
        public void WriteMemory(ulong dma, ReadOnlySpan<byte> bytes) => bytes.CopyTo(_host.AsSpan(checked((int)(dma - Base)), bytes.Length));
    }
}
