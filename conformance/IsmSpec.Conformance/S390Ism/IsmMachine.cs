using System.Collections.Immutable;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism;

/// <summary>Which rules the ISM state machine asserts after every step (each requirement selects its own).</summary>
[Flags]
internal enum IsmMachineChecks
{
    None = 0,
    /// <summary>Rule 61: SBA DMB bits, summary bit and dmbe masks match the signals since the last drain; a signal into a clear SBA raises the interrupt.</summary>
    SbaBits = 1,
    /// <summary>Rule 63: header.idx is 1 + the slot of the newest event, and that slot holds it.</summary>
    IeqIdx = 2,
    /// <summary>Rule 56 / ISM-DEV-TOKEN-FORMAT: tokens non-zero, low 32 bits zero, never seen before on the fabric.</summary>
    Tokens = 4,
}

/// <summary>A DMB of the model: run-local id, owner function, SBA index, length; the other function is its rgid.</summary>
internal sealed record MDmb(int Id, int Owner, int SbaIdx, int Len)
{
    public int Writer => 1 - Owner;
    public override string ToString() => $"#{Id}(f{Owner} idx {SbaIdx} len {Len})";
}

/// <summary>An IEQ event the model expects: its type and code, whose GID (sender) or which DMB's token (tok), and info.</summary>
internal sealed record MEvent(IsmEventType Type, uint Code, int? Sender, int? DmbId, ulong Info);

/// <summary>One function of the model: SBA indices signalled since the last drain, events written, the newest event, DMBs registered.</summary>
internal sealed record MFunction(ImmutableSortedSet<int> Pending, int Events, MEvent? Newest, int Registered)
{
    public static readonly MFunction Empty = new([], 0, null, 0);
}

/// <summary>The immutable model: live DMBs, the two functions, and the next run-local id.</summary>
internal sealed record IsmModel(ImmutableList<MDmb> Dmbs, ImmutableList<MFunction> Functions, int NextId)
{
    public static readonly IsmModel Empty = new([], [MFunction.Empty, MFunction.Empty], 0);

    public IsmModel With(int f, Func<MFunction, MFunction> change) => this with { Functions = Functions.SetItem(f, change(Functions[f])) };

    /// <summary>The lowest index 32.. the owner does not use (the driver's choice for idx 0, rule 51).</summary>
    public int FreeIdx(int owner)
    {
        var used = Dmbs.Where(d => d.Owner == owner).Select(d => d.SbaIdx).ToHashSet();
        int i = S390IsmSpec.IsmDmbBitOffset;
        while (used.Contains(i)) i++;
        return i;
    }

    public override string ToString() => $"[{string.Join(" ", Dmbs)}] pending [{string.Join(" | ", Functions.Select(f => string.Join(",", f.Pending)))}] events [{string.Join(",", Functions.Select(f => f.Events))}]";
}

/// <summary>The device side of a run: a session, the token behind each model id, and every token seen.</summary>
internal sealed class IsmActual(IsmSession session) : IDisposable
{
    public IsmSession S { get; } = session;
    public Dictionary<int, IsmDmbHandle> ById { get; } = [];
    public HashSet<ulong> Seen { get; } = [];
    public void Dispose() => S.Dispose();
}

/// <summary>
/// Model-based test of two ISM functions (both with SBA and IEQ): REG_DMB / UNREG_DMB / store (signalled or not) /
/// SIGNAL_IEQ / interrupt drain (the driver's handler, rule 62) against <see cref="IsmModel"/>. Sequences are
/// generated from the model and shrink to a minimal failing one; the rules selected by <see cref="IsmMachineChecks"/>
/// are asserted after each step.
/// </summary>
internal sealed class IsmMachine(Func<IsmSession> open, IsmMachineChecks checks) : Machine<IsmActual, IsmModel>(MaxSteps)
{
    /// <summary>Longest generated sequence (enough to wrap the IEQ twice and fill and drain both SBAs).</summary>
    private const int MaxSteps = 40;

    /// <summary>Host memory per function: at most <see cref="MaxRegistrations"/> DMBs of up to two pages each, plus SBA and IEQ.</summary>
    public const int HostMemory = (2 * MaxRegistrations + 4) * 4096;
    private const int MaxRegistrations = 48;
    private const int MaxLive = 8;

    public override Arbitrary<Setup<IsmActual, IsmModel>> Setup =>
        Gen.Constant(StateMachine.Setup(() => new IsmActual(open()), () => IsmModel.Empty)).ToArbitrary();

    public override TearDown<IsmActual> TearDown => StateMachine.TearDown<IsmActual>(a => a.Dispose());

    public override Gen<Operation<IsmActual, IsmModel>> Next(IsmModel model)
    {
        var choices = new List<(int, Gen<Operation<IsmActual, IsmModel>>)>
        {
            (2, Gen.Zip(Gen.Choose(0, 1), Gen.Zip(Gen.Elements(true, false), Gen.Choose(0, int.MaxValue))).Select(t => SignalIeq(t.Item1, t.Item2.Item1, (uint)t.Item2.Item2))),
            (2, Gen.Choose(0, 1).Select(Drain)),
        };
        var canRegister = Enumerable.Range(0, 2).Where(f => model.Functions[f].Registered < MaxRegistrations && model.Dmbs.Count(d => d.Owner == f) < MaxLive).ToArray();
        if (canRegister.Length > 0)
            choices.Add((3, Gen.Zip(Gen.Elements(canRegister), Gen.Choose(1, 8192)).Select(t => Register(t.Item1, t.Item2))));
        if (!model.Dmbs.IsEmpty)
        {
            var ids = model.Dmbs.Select(d => d.Id).ToArray();
            choices.Add((1, Gen.Elements(ids).Select(Unregister)));
            choices.Add((5, IsmSuite.Zip3(Gen.Elements(ids), Gen.Zip(Gen.Choose(0, 8191), Gen.Choose(1, 300)), Gen.Zip(Gen.Elements(true, true, false), Gen.Choose(0, 255)))
                .Select(t => Store(t.Item1, t.Item2.Item1, t.Item2.Item2, t.Item3.Item1, (byte)t.Item3.Item2))));
        }
        return Gen.Frequency(choices.ToArray());
    }

    private Operation<IsmActual, IsmModel> Register(int owner, int len) => new Step(
        $"REG_DMB(f{owner}, len {len})", m => m.Functions[owner].Registered < MaxRegistrations,
        m => (m with { Dmbs = m.Dmbs.Add(new MDmb(m.NextId, owner, m.FreeIdx(owner), len)), NextId = m.NextId + 1 })
              .With(owner, f => f with { Registered = f.Registered + 1 }),
        (a, m) =>
        {
            var d = m.Dmbs[^1];
            var dmb = a.S.MustDmb(owner, d.SbaIdx, len, a.S.Gid(d.Writer));
            a.ById[d.Id] = dmb;
            if (checks.HasFlag(IsmMachineChecks.Tokens))
            {
                IsmAssert.That(dmb.Token != 0 && (dmb.Token & 0xFFFF_FFFF) == 0, $"token {dmb.Token:X16} of #{d.Id} is zero or has low 32 bits set (rule 56)");
                IsmAssert.That(a.Seen.Add(dmb.Token), $"token {dmb.Token:X16} of #{d.Id} was handed out before on this fabric");
            }
        }, this);

    private Operation<IsmActual, IsmModel> Unregister(int id) => new Step(
        $"UNREG_DMB(#{id})", m => m.Dmbs.Any(d => d.Id == id),
        m =>
        {
            var d = m.Dmbs.Single(x => x.Id == id);
            return (m with { Dmbs = m.Dmbs.Remove(d) }).With(d.Writer, f => f with { Events = f.Events + 1, Newest = new MEvent(IsmEventType.Buf, (uint)IsmEventCode.BufDmbUnregistered, null, id, 0) });
        },
        (a, m) => IsmAssert.Code(IsmCodes.Success, a.S.UnregDmb(a.ById[id].Owner, a.ById[id].Token), $"UNREG_DMB(#{id})"), this);

    private Operation<IsmActual, IsmModel> Store(int id, int where, int size, bool sf, byte sigIdx) => new Step(
        $"store(#{id}, {size} bytes, sf {sf}, idx {sigIdx})", m => m.Dmbs.Any(d => d.Id == id),
        m =>
        {
            var d = m.Dmbs.Single(x => x.Id == id);
            return sf ? m.With(d.Owner, f => f with { Pending = f.Pending.Add(d.SbaIdx) }) : m;
        },
        (a, m) =>
        {
            // Sized against the DMB at check time, so a shrunk sequence still stores in bounds and inside one 4 KiB page.
            var d = m.Dmbs.Single(x => x.Id == id);
            int n = Math.Min(size, d.Len), offset = where % (d.Len - n + 1);
            if (offset % 4096 + n > 4096) offset -= offset % 4096 + n - 4096;
            var sba = a.S.Sba(d.Owner);
            bool wasClear = !sba.Status.S;
            var irqs = a.S.Irqs(d.Owner);
            IsmAssert.Code(IsmCodes.Success, a.S.Store(d.Writer, a.ById[id].Token, offset, IsmSession.Pattern(n, id), sf, sigIdx), $"store into #{id} at {offset}");
            if (checks.HasFlag(IsmMachineChecks.SbaBits) && sf && wasClear)
                IsmAssert.Equal(irqs + 1, a.S.WaitIrqs(d.Owner, irqs + 1), $"interrupts of f{d.Owner} after a signal into a clear SBA");
        }, this);

    private Operation<IsmActual, IsmModel> SignalIeq(int from, bool trigger, uint code) => new Step(
        $"SIGNAL_IEQ(f{from} -> f{1 - from}, code {code}, trigger {trigger})", _ => true,
        m => m.With(1 - from, f => f with { Events = f.Events + 1, Newest = new MEvent(IsmEventType.Swr, code, from, null, (ulong)f.Events) }),
        (a, m) => IsmAssert.Code(IsmCodes.Success, a.S.SignalIeq(from, a.S.Gid(1 - from), trigger, code, (ulong)m.Functions[1 - from].Events - 1), "SIGNAL_IEQ"), this);

    private Operation<IsmActual, IsmModel> Drain(int f) => new Step(
        $"drain(f{f})", _ => true, m => m.With(f, x => x with { Pending = [] }),
        (a, m) =>
        {
            var seen = a.S.Drain(f);
            if (checks.HasFlag(IsmMachineChecks.SbaBits))
                IsmAssert.That(seen.All(p => p.Mask != 0), $"drain of f{f}: a set DMB bit had dmbe_mask 0 ({string.Join(", ", seen.Select(p => $"{p.Idx}:{p.Mask:X4}"))})");
        }, this);

    /// <summary>The rules asserted after every step, on the model state after it.</summary>
    private void Invariants(IsmActual a, IsmModel m)
    {
        for (int f = 0; f < 2; f++)
        {
            var mf = m.Functions[f];
            if (checks.HasFlag(IsmMachineChecks.SbaBits))
            {
                var bytes = a.S.Mem(f, a.S.SbaAddress(f)!.Value, IsmSba.Size);
                ref var sba = ref IsmSba.View(bytes);
                var bits = IsmSession.SetBits(ref sba);
                IsmAssert.Equal(string.Join(",", mf.Pending), string.Join(",", bits), $"SBA DMB bits of f{f}");
                IsmAssert.Equal(!mf.Pending.IsEmpty, sba.Status.S, $"summary bit of f{f}");
                var masks = sba.DmbeMaskBytes;
                var nonZero = new List<int>();
                for (int pos = 0, n; pos < masks.Length && (n = masks[pos..].IndexOfAnyExcept((byte)0)) >= 0; pos = (nonZero[^1] + 1) * 2)
                    nonZero.Add((pos + n) / 2);
                IsmAssert.Equal(string.Join(",", mf.Pending), string.Join(",", nonZero), $"DMB indices with a non-zero dmbe_mask on f{f}");
            }
            if (checks.HasFlag(IsmMachineChecks.IeqIdx))
            {
                var eq = a.S.Ieq(f);
                ulong idx = mf.Events == 0 ? 0UL : (ulong)((mf.Events - 1) % IsmEq.EntryLength + 1);
                IsmAssert.Equal(idx, eq.Header.Idx, $"IEQ header.idx of f{f} after {mf.Events} events");
                if (mf.Newest is { } e)
                {
                    var entry = eq.Entry[(int)idx - 1];
                    ulong tok = e.Sender is { } sender ? a.S.Gid(sender) : a.ById[e.DmbId!.Value].Token;
                    IsmAssert.That(entry.Type == (uint)e.Type && entry.Code == e.Code && entry.Tok == tok && (e.Type != IsmEventType.Swr || entry.Info == e.Info),
                        $"IEQ entry {idx - 1} of f{f}: type {entry.Type} code {entry.Code} tok {entry.Tok:X16}, expected {e.Type} {e.Code} {tok:X16}");
                }
            }
        }
    }

    private sealed class Step(string name, Func<IsmModel, bool> pre, Func<IsmModel, IsmModel> run, Action<IsmActual, IsmModel> check, IsmMachine machine)
        : MachineStep<IsmActual, IsmModel>(name, pre, run, check, machine.Invariants);
}
