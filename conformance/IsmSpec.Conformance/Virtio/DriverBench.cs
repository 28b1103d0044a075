using System.Buffers.Binary;
using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Conformance.Virtio;

/// <summary>One descriptor the suite found in a driver's chain.</summary>
internal readonly record struct DescInfo(ulong Addr, uint Len, VirtqDescFlags Flags, bool InTable)
{
    public bool IsTablePointer => Flags.Indirect && !InTable;
}

/// <summary>A chain as the suite, playing the device, walked it (virtio 1.x §2.7.5, §2.7.5.3); <see cref="Broken"/> says why it stopped early.</summary>
internal sealed record ChainFacts(ushort Head, List<DescInfo> Descs, string? Broken)
{
    public IEnumerable<DescInfo> Buffers => Descs.Where(d => !d.IsTablePointer);
    public ulong TotalBytes => (ulong)Buffers.Sum(d => (long)d.Len);
    public override string ToString() =>
        $"head {Head}: {string.Join(" ", Descs.Select(d => $"{(d.InTable ? "t:" : "")}{d.Len}{(d.Flags.Write ? "w" : "r")}{(d.Flags.Indirect ? "I" : "")}{(d.Flags.Next ? "N" : "")}"))}{(Broken is null ? "" : " " + Broken)}";
}

/// <summary>
/// The suite as the device of a driver under test: a recording transport, recorded guest memory, queue 0 consumed from
/// the driver's available ring and completed on its used ring (virtio 1.x §2.7.6, §2.7.8), interrupts delivered by call.
/// </summary>
internal sealed class DriverBench : IDisposable
{
    public const int MaxBuffer = 32;
    private ushort _seenAvail, _usedIdx;

    public DriverBench(IVirtioDriverUnderTest adapter, int queueSize, ushort start, ulong offered, int maxChain = 4, bool refuseFeaturesOk = false)
    {
        Name = adapter.Name;
        Transport = new SuiteTransport(offered, Enumerable.Range(0, 16).Select(i => (byte)(0x30 + i)).ToArray(), refuseFeaturesOk);
        int rings = queueSize * (VirtqDesc.Size * 17 + 10) + 64;
        Memory = new RecordingMemory(rings + queueSize * maxChain * (MaxBuffer + 8) + 4096);
        QueueSize = queueSize;
        _seenAvail = _usedIdx = start;
        var env = new VirtioDriverEnvironment(Transport, Memory.Driver, Transport, (ushort)queueSize, start, MaxBuffer, maxChain);
        Driver = VirtioSuite.Make(adapter.Name, () => adapter.Create(env));
    }

    public string Name { get; }
    public SuiteTransport Transport { get; }
    public RecordingMemory Memory { get; }
    public IVirtioDriverInstance Driver { get; }
    public int QueueSize { get; }
    public VirtqLayout? Layout { get; private set; }
    /// <summary>Each change the driver made to avail idx (old, new) and every avail flags value it wrote.</summary>
    public List<(ushort Old, ushort New)> AvailIdxMoves { get; } = [];
    public List<ushort> FlagValues { get; } = [];

    public ulong Negotiated => Transport.Negotiated;
    public bool Has(ulong feature) => (Negotiated & feature) != 0;

    /// <summary>Runs the driver's initialization; returns its layout (or null) and starts watching avail idx and flags.</summary>
    public VirtqLayout? Initialize()
    {
        Layout = VAssert.Call("Initialize", Driver.Initialize);
        Memory.Sync();
        if (Layout is not { } l) return null;
        VAssert.That(l.IsWellFormed && l.FitsIn(Memory.Suite) && l.QueueSize == QueueSize,
            $"queue layout {l} is unusable (queue size {QueueSize}, memory 0x{Memory.BaseAddress:X}+{Memory.Length})");
        // The device owns the used ring (§2.7.8): flags 0, idx at the start index.
        BinaryPrimitives.WriteUInt32LittleEndian(Memory.Suite.Get(l.UsedRing, 4), (uint)_usedIdx << 16);
        Memory.Sync();
        Memory.Watch(l.AvailRing + 2, (who, from, to) => { if (who == MemoryActor.Driver) AvailIdxMoves.Add((from, to)); });
        Memory.Watch(l.AvailRing, (who, _, to) => { if (who == MemoryActor.Driver) FlagValues.Add(to); });
        return l;
    }

    /// <summary>Initialization that must succeed: the suite's device accepted everything it was asked.</summary>
    public VirtqLayout Ready() => Initialize()
        ?? throw new ConformanceViolation($"{Name}: the driver did not initialize against a device offering 0x{Transport.DeviceFeatures:X}");

    public ushort AvailIdx => Memory.ReadU16(Layout!.Value.AvailRing + 2);
    public ushort AvailFlags => Memory.ReadU16(Layout!.Value.AvailRing);

    public bool TryAdd(IReadOnlyList<byte[]> readable, IReadOnlyList<int> writable, out ushort head)
    {
        ushort h = 0;
        bool ok = VAssert.Call("TryAdd", () => Driver.TryAdd(readable, writable, out h));
        Memory.Sync();
        head = h;
        return ok;
    }

    public void Call(string what, Action action)
    {
        VAssert.Call(what, action);
        Memory.Sync();
    }

    public IReadOnlyList<VirtqCompletion> Interrupt()
    {
        var got = VAssert.Call("OnInterrupt", Driver.OnInterrupt);
        Memory.Sync();
        return got;
    }

    /// <summary>Takes every chain the driver made available since the last call (§2.7.6), slot = idx mod queue size.</summary>
    public List<ChainFacts> Consume()
    {
        var l = Layout!.Value;
        var chains = new List<ChainFacts>();
        ushort idx = AvailIdx;
        for (int n = 0; _seenAvail != idx && n <= QueueSize; n++, _seenAvail++)
            chains.Add(Walk(Memory.ReadU16(l.AvailElemAddress(l.Slot(_seenAvail)))));
        return chains;
    }

    /// <summary>Writes a response into the chain's writable buffers and returns it on the used ring (§2.7.8).</summary>
    public uint Complete(ChainFacts chain, byte[] response)
    {
        var l = Layout!.Value;
        int done = 0;
        foreach (var d in chain.Buffers.Where(b => b.Flags.Write))
        {
            int n = (int)Math.Min(d.Len, (uint)(response.Length - done));
            if (n <= 0 || !Memory.Suite.TryGetSpan(d.Addr, (uint)n, out var span)) break;
            response.AsSpan(done, n).CopyTo(span);
            done += n;
        }
        var elem = Memory.Suite.Get(l.UsedElemAddress(l.Slot(_usedIdx)), VirtqUsedElem.Size);
        BinaryPrimitives.WriteUInt32LittleEndian(elem, chain.Head);
        BinaryPrimitives.WriteUInt32LittleEndian(elem[4..], (uint)done);
        _usedIdx++;
        BinaryPrimitives.WriteUInt16LittleEndian(Memory.Suite.Get(l.UsedRing + 2, 2), _usedIdx);
        Memory.Sync();
        return (uint)done;
    }

    /// <summary>The readable bytes of a chain, in order.</summary>
    public byte[] ReadableBytes(ChainFacts chain) =>
        chain.Buffers.Where(d => !d.Flags.Write).SelectMany(d => Memory.Suite.TryGetSpan(d.Addr, d.Len, out var s) ? s.ToArray() : []).ToArray();

    private ChainFacts Walk(ushort head)
    {
        var descs = new List<DescInfo>();
        if (head >= QueueSize) return new ChainFacts(head, descs, $"head {head} ≥ queue size");
        var l = Layout!.Value;
        int index = head;
        for (int visited = 0; ; visited++)
        {
            if (visited > QueueSize) return new ChainFacts(head, descs, "the chain loops");
            VirtqDesc.TryRead(Memory.Bytes(l.DescAddress(index), VirtqDesc.Size), out var d);
            descs.Add(new DescInfo(d.Addr, d.Len, d.Flags, false));
            if (d.Flags.Indirect) return new ChainFacts(head, descs, WalkTable(d, descs));
            if (!d.Flags.Next) return new ChainFacts(head, descs, null);
            index = d.Next;
            if (index >= QueueSize) return new ChainFacts(head, descs, $"next {index} ≥ queue size");
        }
    }

    private string? WalkTable(VirtqDesc table, List<DescInfo> descs)
    {
        if (table.Len == 0 || table.Len % VirtqDesc.Size != 0 || !Memory.Suite.TryGetSpan(table.Addr, table.Len, out var span))
            return $"indirect table 0x{table.Addr:X}+{table.Len} is malformed";
        uint entries = table.Len / VirtqDesc.Size, index = 0;
        for (uint visited = 0; ; visited++)
        {
            if (visited >= entries) return "the indirect chain loops";
            VirtqDesc.TryRead(span.Slice((int)(index * VirtqDesc.Size), VirtqDesc.Size), out var d);
            descs.Add(new DescInfo(d.Addr, d.Len, d.Flags, true));
            if (!d.Flags.Next) return null;
            index = d.Next;
            if (index >= entries) return $"indirect next {index} ≥ {entries}";
        }
    }

    public void Dispose() => Driver.Dispose();
}
