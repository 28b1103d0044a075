using System.Collections.Immutable;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;

namespace IsmSpec.Conformance.Smc;

/// <summary>
/// The byte-queue model of one direction of a connection: every byte written (the queue is the part from
/// <see cref="Consumed"/> on) and whether the writer half-closed.
/// </summary>
internal sealed record StreamModel(ImmutableList<byte> Written, int Consumed, bool Done)
{
    public static readonly StreamModel Empty = new([], 0, false);
    public int Unread => Written.Count - Consumed;
    public override string ToString() => $"written {Written.Count}, consumed {Consumed}{(Done ? ", done" : "")}";
}

/// <summary>A bed with one connection (A writes, B reads), B's ring size and the last consumer cursor seen.</summary>
internal sealed class StreamActual(SmcdBed bed, ISmcdConnectionUnderTest a, ISmcdConnectionUnderTest b) : IDisposable
{
    public SmcdBed Bed { get; } = bed;
    public ISmcdConnectionUnderTest A { get; } = a;
    public ISmcdConnectionUnderTest B { get; } = b;
    public long LastCons { get; set; }
    public void Dispose() => Bed.Dispose();
}

/// <summary>
/// Model-based test of write / read / half-close sequences (SMC-CDC-NATIVE-ORDER): after every step the bytes
/// read match the model queue, the CDC message in B's DMB carries A's producer cursor as {wrap, count} of the
/// model position in native byte order, and the one in A's DMB a consumer cursor of B that never goes back and
/// never passes what B consumed. Writes keep unread bytes within half the ring (the reader confirms at least every half ring), so no step
/// blocks; sequences shrink.
/// </summary>
internal sealed class SmcdStreamMachine(Func<uint, StreamActual> open, uint dmb) : Machine<StreamActual, StreamModel>
{
    private int Ring => (int)dmb - 32;

    public override Arbitrary<Setup<StreamActual, StreamModel>> Setup =>
        Gen.Constant(StateMachine.Setup(() => open(dmb), () => StreamModel.Empty)).ToArbitrary();

    public override TearDown<StreamActual> TearDown => StateMachine.TearDown<StreamActual>(a => a.Dispose());

    public override Gen<Operation<StreamActual, StreamModel>> Next(StreamModel m)
    {
        var free = Ring / 2 - m.Unread; // a reader confirms every half ring, so writes up to here never wait
        var choices = new List<(int, Gen<Operation<StreamActual, StreamModel>>)>();
        if (!m.Done && free > 0)
            choices.Add((4, Gen.Zip(Gen.Choose(1, free), Gen.Choose(0, 255)).Select(t => Write(t.Item1, t.Item2))));
        if (m.Unread > 0)
            choices.Add((3, Gen.Choose(1, m.Unread).Select(Read)));
        if (!m.Done)
            choices.Add((1, Gen.Constant(Shutdown())));
        if (m.Done && m.Unread == 0)
            choices.Add((1, Gen.Constant(ReadEof())));
        return Gen.Frequency(choices.ToArray());
    }

    private Operation<StreamActual, StreamModel> Write(int n, int seed) => new Step(this, $"write({n})",
        m => !m.Done && m.Unread + n <= Ring / 2,
        m => m with { Written = m.Written.AddRange(SmcSuite.Bytes(n, seed)) },
        (a, m) => SmcdBed.Timed(() => a.A.Write(SmcSuite.Bytes(n, seed)), $"write of {n} bytes into a ring with room for them"));

    private Operation<StreamActual, StreamModel> Read(int n) => new Step(this, $"read({n})",
        m => m.Unread >= n,
        m => m with { Consumed = m.Consumed + n },
        (a, m) =>
        {
            var got = SmcStreamSuite.ReadExactly(a.B, n, $"read of {n} bytes");
            var expected = m.Written.GetRange(m.Consumed - n, n);
            SmcAssert.That(got.SequenceEqual(expected), $"bytes {m.Consumed - n}..{m.Consumed} differ from what was written");
        });

    private Operation<StreamActual, StreamModel> Shutdown() => new Step(this, "shutdown_write", m => !m.Done, m => m with { Done = true },
        (a, _) => SmcdBed.Timed(() => a.A.ShutdownWrite(), "shutdown_write"));

    private Operation<StreamActual, StreamModel> ReadEof() => new Step(this, "read at end of stream", m => m.Done && m.Unread == 0, m => m,
        (a, _) => SmcAssert.Equal(0, SmcdBed.Timed(() => a.B.Read(new byte[16]), "read at end of stream"), "read after every byte was consumed and the writer half-closed"));

    /// <summary>The wire cursor at <paramref name="at"/> in native order: wrap u16, count u32.</summary>
    private static (ushort Wrap, uint Count) Cursor(ReadOnlySpan<byte> dmb, int at) =>
        (MemoryMarshal.Read<ushort>(dmb[at..]), MemoryMarshal.Read<uint>(dmb[(at + 2)..]));

    private void Invariants(StreamActual a, StreamModel m)
    {
        if (m.Written.Count > 0)
        {
            var header = a.Bed.Rec.Bytes(a.B.LocalToken) ?? throw new ConformanceViolation("B's DMB is gone");
            var (wrap, count) = Cursor(header.Span, 8);
            SmcAssert.Equal(((ushort)(m.Written.Count / Ring), (uint)(m.Written.Count % Ring)), (wrap, count), $"prod {{wrap, count}} in B's CDC message after {m.Written.Count} bytes (ring {Ring})");
        }
        var mine = a.Bed.Rec.Bytes(a.A.LocalToken) ?? throw new ConformanceViolation("A's DMB is gone");
        if (mine.Span[0] != 0)
        {
            var (wrap, count) = Cursor(mine.Span, 16);
            var cons = (long)wrap * Ring + count;
            SmcAssert.That(count < Ring && cons >= a.LastCons && cons <= m.Consumed,
                $"cons {{wrap {wrap}, count {count}}} in A's CDC message: not a position between the last one ({a.LastCons}) and what B consumed ({m.Consumed})");
            a.LastCons = cons;
        }
    }

    private sealed class Step(SmcdStreamMachine machine, string name, Func<StreamModel, bool> pre, Func<StreamModel, StreamModel> run, Action<StreamActual, StreamModel> check)
        : MachineStep<StreamActual, StreamModel>(name, pre, run, check, machine.Invariants);
}
