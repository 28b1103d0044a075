using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.Virtio;
using Ids = IsmSpec.Specs.Virtio.VirtioSpec.Ids;

namespace IsmSpec.Conformance.Virtio;

/// <summary>One step the suite makes a driver take: add a chain, kick, consume, complete, (spurious) interrupt, toggle interrupts.</summary>
public enum DriverOp { Add, Kick, Consume, Complete, Interrupt, Spurious, Disable, Enable }

public sealed partial class VirtioDriverSuite
{
    /// <summary>A ring workload: queue size, start index, offered features and a shrinkable list of steps.</summary>
    public sealed record Script(int QueueSize, ushort Start, ulong Offered, (DriverOp Op, int A, int B)[] Steps)
    {
        public override string ToString() =>
            $"qs {QueueSize} start {Start} offered 0x{Offered:X} [{string.Join(" ", Steps.Select(s => s.Op is DriverOp.Add ? $"add(r{s.A % 3},w{s.B % 3},{s.A + s.B})" : s.Op.ToString()))}]";
    }

    [Flags]
    private enum ScriptChecks { None = 0, Fifo = 1, Spurious = 2 }

    private static Arbitrary<Script> Scripts(Gen<ulong> offered, int maxSteps = 40) =>
        (from qs in QueueSizes(0, 4)
         from start in StartIndices
         from features in offered
         from steps in Tup.Array(Tup.Of(Gen.Frequency((4, Gen.Constant(DriverOp.Add)), (2, Gen.Constant(DriverOp.Kick)), (3, Gen.Constant(DriverOp.Consume)),
                                                         (3, Gen.Constant(DriverOp.Complete)), (2, Gen.Constant(DriverOp.Interrupt)), (1, Gen.Constant(DriverOp.Spurious)),
                                                         (1, Gen.Constant(DriverOp.Disable)), (1, Gen.Constant(DriverOp.Enable))),
                                           Gen.Choose(0, 17), Gen.Choose(0, 17)), 1, maxSteps)
         select new Script(qs, start, features, steps)).ToArbitrary();

    private sealed record Expect(ushort Head, byte[] Readable, int[] Writable);

    /// <summary>Runs a script against a fresh driver; checks per <paramref name="checks"/>; returns the bench for more checks.</summary>
    private DriverBench Run(Script s, ScriptChecks checks, Action<DriverBench, List<ChainFacts>>? onConsume = null)
    {
        var b = Bench(s.QueueSize, s.Start, s.Offered);
        b.Ready();
        var added = new Queue<Expect>();
        var inFlight = new List<(ChainFacts Chain, Expect Expect)>();
        var completed = new Queue<(ushort Head, uint Len, byte[] Data)>();
        int n = 0;
        foreach (var (op, a, c) in s.Steps)
        {
            n++;
            switch (op)
            {
                case DriverOp.Add:
                    var readable = Enumerable.Range(0, a % 3).Select(i => Enumerable.Range(0, 1 + (a + i) % 8).Select(j => (byte)(n * 7 + j + 1)).ToArray()).ToArray();
                    var writable = Enumerable.Range(0, c % 3 + (a % 3 == 0 ? 1 : 0)).Select(i => 1 + (c + i) % 16).ToArray();
                    if (b.TryAdd(readable, writable, out ushort head)) added.Enqueue(new Expect(head, readable.SelectMany(r => r).ToArray(), writable));
                    break;
                case DriverOp.Kick: b.Call("Kick", b.Driver.Kick); break;
                case DriverOp.Consume:
                    var chains = b.Consume();
                    onConsume?.Invoke(b, chains);
                    foreach (var chain in chains)
                    {
                        VAssert.That(added.Count > 0, $"avail idx moved past the chains the driver added ({chain})");
                        var e = added.Dequeue();
                        inFlight.Add((chain, e));
                        if (!checks.HasFlag(ScriptChecks.Fifo)) continue;
                        VAssert.That(chain.Broken is null, $"chain {chain} is malformed");
                        VAssert.Equal(e.Head, chain.Head, $"head at avail slot (idx mod {s.QueueSize})");
                        VAssert.Bytes(e.Readable, b.ReadableBytes(chain), $"readable bytes of head {chain.Head}");
                        VAssert.Equal(string.Join(",", e.Writable), string.Join(",", chain.Buffers.Where(d => d.Flags.Write).Select(d => d.Len)), $"writable buffers of head {chain.Head}");
                    }
                    break;
                case DriverOp.Complete when inFlight.Count > 0:
                    var (done, exp) = inFlight[a % inFlight.Count];
                    inFlight.RemoveAt(a % inFlight.Count);
                    var response = Enumerable.Range(0, c).Select(i => (byte)(0x80 + n + i)).ToArray();
                    uint len = b.Complete(done, response);
                    completed.Enqueue((done.Head, len, response[..(int)len]));
                    break;
                case DriverOp.Spurious when completed.Count == 0:
                    var none = b.Interrupt();
                    if (checks.HasFlag(ScriptChecks.Spurious))
                        VAssert.That(none.Count == 0, $"a spurious interrupt (no new used buffer) returned {none.Count} completion(s): heads {string.Join(",", none.Select(x => x.Head))}");
                    break;
                case DriverOp.Interrupt or DriverOp.Spurious:
                    var got = b.Interrupt();
                    if (checks.HasFlag(ScriptChecks.Fifo))
                        foreach (var g in got)
                        {
                            VAssert.That(completed.Count > 0, $"the driver reported head {g.Head}, which the device never completed");
                            var want = completed.Dequeue();
                            VAssert.Equal((want.Head, want.Len), (g.Head, g.Length), "used element taken (used idx mod queue size)");
                            VAssert.Bytes(want.Data, g.Data, $"data the driver read back for head {g.Head}");
                        }
                    else completed.Clear();
                    if (checks.HasFlag(ScriptChecks.Fifo))
                        VAssert.That(completed.Count == 0, $"{completed.Count} used buffer(s) not taken on interrupt");
                    break;
                case DriverOp.Disable: b.Call("DisableInterrupts", b.Driver.DisableInterrupts); break;
                case DriverOp.Enable: b.Call("EnableInterrupts", b.Driver.EnableInterrupts); break;
            }
        }
        if (checks.HasFlag(ScriptChecks.Spurious))
        {
            foreach (var (chain, _) in inFlight) completed.Enqueue((chain.Head, b.Complete(chain, [9]), [9]));
            var rest = b.Interrupt();
            VAssert.Equal(string.Join(",", completed.Select(x => x.Head).Order()), string.Join(",", rest.Select(x => x.Head).Order()), "buffers taken after spurious interrupts");
        }
        return b;
    }

    /// <summary>§2.7.6/§2.7.8: idx fields are free-running; slot = idx mod queue size, across 16-bit wrap-around.</summary>
    [Checks(Ids.VirtqIdxFreeRunning)]
    public Property IndicesRunFreeAndWrap() => ForAll(Scripts(SubsetOf(Offerable)), s => { using var b = Run(s, ScriptChecks.Fifo); });

    /// <summary>§2.7.6: the driver never moves avail idx backwards (each change the driver makes is seen).</summary>
    [Checks(Ids.VirtqAvailIdxNoDecrement)]
    public Property AvailIdxNeverMovesBackwards() => ForAll(Scripts(SubsetOf(Offerable)), s =>
    {
        using var b = Run(s, ScriptChecks.None);
        foreach (var (old, now) in b.AvailIdxMoves)
            VAssert.That((short)(now - old) > 0, $"avail idx moved from {old} to {now}");
    });

    /// <summary>§2.7.7: a notification with no new used buffer is harmless; later buffers still arrive.</summary>
    [Checks(Ids.VirtqSpuriousNotify)]
    public Property CopesWithSpuriousInterrupts() => ForAll(Scripts(SubsetOf(Offerable)), s => { using var b = Run(s, ScriptChecks.Spurious); });

    /// <summary>§2.7.7: without EVENT_IDX, avail flags hold only 0 or NO_INTERRUPT (1).</summary>
    [Checks(Ids.VirtqAvailFlagsValues)]
    public Property AvailFlagsAreZeroOrOne() => ForAll(Scripts(SubsetOf(Offerable & ~VirtioSpec.VirtioFEventIdx)), s =>
    {
        using var b = Run(s, ScriptChecks.None);
        foreach (var f in b.FlagValues.Append(b.AvailFlags))
            VAssert.That(f <= 1, $"avail flags 0x{f:X} without EVENT_IDX");
    });

    /// <summary>§2.7.7 with EVENT_IDX: avail flags stay 0 (suppression goes through used_event).</summary>
    [Checks(Ids.VirtqEventIdxFlagsZero)]
    public Property AvailFlagsStayZeroWithEventIdx() => ForAll(Scripts(SubsetOf(Offerable).Select(f => f | VirtioSpec.VirtioFEventIdx)), s =>
    {
        using var b = Run(s, ScriptChecks.None);
        if (!b.Has(VirtioSpec.VirtioFEventIdx)) return;
        foreach (var f in b.FlagValues.Append(b.AvailFlags))
            VAssert.Equal((ushort)0, f, "avail flags with EVENT_IDX negotiated");
    });

    /// <summary>§2.7.5.2: no chain of more than queue-size descriptors (indirect entries counted) or more than 2^32 bytes.</summary>
    [Checks(Ids.VirtqChainLimits)]
    public Property ChainsStayWithinLimits() => ForAll(Tup.Of(QueueSizes(0, 4), SubsetOf(Offerable), Tup.Array(Gen.Choose(1, 40), 1, 6)).ToArbitrary(), c =>
    {
        var (qs, offered, counts) = c;
        using var b = Bench(qs, 0, offered, maxChain: 2 * qs + 1);
        b.Ready();
        foreach (int count in counts)
        {
            int total = 1 + count % (2 * qs + 1);
            if (b.TryAdd(Enumerable.Range(0, total / 2).Select(i => new byte[] { (byte)i }).ToArray(), Enumerable.Repeat(2, total - total / 2).ToArray(), out _))
                foreach (var chain in b.Consume())
                {
                    VAssert.That(chain.Buffers.Count() <= qs, $"chain of {chain.Buffers.Count()} descriptors in a queue of {qs}: {chain}");
                    VAssert.That(chain.TotalBytes <= 1UL << 32, $"chain of {chain.TotalBytes} bytes");
                    b.Complete(chain, []);
                }
            b.Interrupt();
        }
    });

    private Property Indirect(Gen<ulong> offered, Action<DriverBench, ChainFacts> check) =>
        ForAll(Scripts(offered, 24), s => { using var b = Run(s, ScriptChecks.None, (bench, chains) => chains.ForEach(ch => check(bench, ch))); });

    /// <summary>§2.7.5.3.1: INDIRECT only with VIRTIO_F_INDIRECT_DESC negotiated.</summary>
    [Checks(Ids.VirtqIndirectNeedsFeature)]
    public Property IndirectOnlyWhenNegotiated() => Indirect(SubsetOf(Offerable), (b, ch) =>
        VAssert.That(b.Has(VirtioSpec.VirtioFIndirectDesc) || !ch.Descs.Any(d => d.Flags.Indirect), $"INDIRECT used without VIRTIO_F_INDIRECT_DESC: {ch}"));

    /// <summary>§2.7.5.3.1: no INDIRECT inside an indirect table.</summary>
    [Checks(Ids.VirtqIndirectNoNesting)]
    public Property IndirectTablesAreNotNested() => Indirect(SubsetOf(Offerable).Select(f => f | VirtioSpec.VirtioFIndirectDesc), (_, ch) =>
        VAssert.That(!ch.Descs.Any(d => d.InTable && d.Flags.Indirect), $"INDIRECT inside an indirect table: {ch}"));

    /// <summary>§2.7.5.3.1: never INDIRECT and NEXT on one descriptor.</summary>
    [Checks(Ids.VirtqIndirectNoNext)]
    public Property IndirectWithoutNext() => Indirect(SubsetOf(Offerable).Select(f => f | VirtioSpec.VirtioFIndirectDesc), (_, ch) =>
        VAssert.That(!ch.Descs.Any(d => d.Flags.Indirect && d.Flags.Next), $"INDIRECT and NEXT on one descriptor: {ch}"));
}
