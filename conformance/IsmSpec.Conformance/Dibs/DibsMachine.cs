using System.Collections.Immutable;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Conformance.Dibs;

/// <summary>Which rules the DMB state machine asserts after every step (each requirement selects its own).</summary>
[Flags]
internal enum DibsMachineChecks
{
    None = 0,
    /// <summary>Rule 19: live DMBs never share an index or a token.</summary>
    UniqueIdxToken = 1,
    /// <summary>Rule 26: register_dmb hands out the lowest free index, whatever idx was requested.</summary>
    LowestIndex = 2,
    /// <summary>Rule 31: every balanced call returns 0; a DMB stays usable while it holds a reference and not after.</summary>
    Refcount = 4,
    /// <summary>Rule 34: memory (and index) go away exactly when the last reference is dropped.</summary>
    FreeAtZero = 8,
    /// <summary>Rule 42: no client ever sees handle_event.</summary>
    NoEvents = 16,
}

/// <summary>One DMB of the model: its identity in the run, length, expected loopback index and references.</summary>
internal sealed record ModelDmb(int Id, uint Len, uint Idx, int Attachments, bool OwnerHolds)
{
    public int Refs => Attachments + (OwnerHolds ? 1 : 0);
    public override string ToString() => $"#{Id}(len {Len}, idx {Idx}, refs {Refs})";
}

/// <summary>The immutable model: live DMBs, the next run-local id, and DMBs freed so far.</summary>
internal sealed record DibsModel(ImmutableList<ModelDmb> Live, int NextId, ImmutableList<int> Freed)
{
    public static readonly DibsModel Empty = new([], 0, []);

    public uint LowestFreeIdx()
    {
        var used = Live.Select(d => d.Idx).ToHashSet();
        uint i = 0;
        while (used.Contains(i)) i++;
        return i;
    }

    /// <summary>Applies a reference change; a DMB whose count reaches 0 moves to <see cref="Freed"/>.</summary>
    public DibsModel Update(int id, Func<ModelDmb, ModelDmb> change)
    {
        var old = Live.Single(d => d.Id == id);
        var now = change(old);
        return now.Refs == 0 ? this with { Live = Live.Remove(old), Freed = Freed.Add(id) } : this with { Live = Live.Replace(old, now) };
    }

    public override string ToString() => $"[{string.Join(" ", Live)}] freed [{string.Join(" ", Freed.Select(f => $"#{f}"))}]";
}

/// <summary>The device side of a run: a session and the actual DMB descriptor behind each model id.</summary>
internal sealed class DibsActual(DibsSession session) : IDisposable
{
    public DibsSession S { get; } = session;
    public Dictionary<int, DibsDmb> ById { get; } = [];
    public void Dispose() => S.Dispose();
}

/// <summary>
/// Model-based test of DMB lifecycles: register / unregister / attach / detach / move_data (with and without
/// signal) against <see cref="DibsModel"/>. Sequences are generated from the model and shrink to a minimal
/// failing one; after each step the rules selected by <see cref="DibsMachineChecks"/> are asserted.
/// </summary>
internal sealed class DibsMachine(Func<DibsSession> open, DibsMachineChecks checks, bool mmapped, bool loopback)
    : Machine<DibsActual, DibsModel>
{
    public override Arbitrary<Setup<DibsActual, DibsModel>> Setup =>
        Gen.Constant(StateMachine.Setup(() => new DibsActual(open()), () => DibsModel.Empty)).ToArbitrary();

    public override TearDown<DibsActual> TearDown => StateMachine.TearDown<DibsActual>(a => a.Dispose());

    public override Gen<Operation<DibsActual, DibsModel>> Next(DibsModel model)
    {
        var choices = new List<(int, Gen<Operation<DibsActual, DibsModel>>)>
        {
            (3, Gen.Zip(Gen.Choose(1, 256), Gen.Choose(0, loopback ? 5000 : 0)).Select(t => Register((uint)t.Item1, (uint)t.Item2))),
        };
        var held = model.Live.Where(d => d.OwnerHolds).Select(d => d.Id).ToArray();
        if (held.Length > 0)
            choices.Add((2, Gen.Elements(held).Select(Unregister)));
        if (!model.Live.IsEmpty)
        {
            var ids = model.Live.Select(d => d.Id).ToArray();
            choices.Add((3, Gen.Zip(Gen.Elements(ids), Gen.Zip(Gen.Choose(0, 64), Gen.Choose(0, 1000))).Select(t => Move(t.Item1, t.Item2.Item1, t.Item2.Item2))));
            if (mmapped)
                choices.Add((2, Gen.Elements(ids).Select(Attach)));
        }
        var attached = model.Live.Where(d => d.Attachments > 0).Select(d => d.Id).ToArray();
        if (attached.Length > 0)
            choices.Add((2, Gen.Elements(attached).Select(Detach)));
        return Gen.Frequency(choices.ToArray());
    }

    private Operation<DibsActual, DibsModel> Register(uint len, uint requestedIdx) => new Step(
        $"register_dmb(len {len}, idx {requestedIdx})", _ => true,
        m => m with { Live = m.Live.Add(new ModelDmb(m.NextId, len, m.LowestFreeIdx(), 0, true)), NextId = m.NextId + 1 },
        (a, m) =>
        {
            var expected = m.Live[^1];
            DibsAssert.Ok(a.S.Register(len, out var dmb, requestedIdx: requestedIdx), $"register_dmb(len {len})");
            a.ById[expected.Id] = dmb;
            if (checks.HasFlag(DibsMachineChecks.LowestIndex))
                DibsAssert.Equal(expected.Idx, dmb.Idx, $"index of #{expected.Id} (lowest free, requested {requestedIdx} ignored; rule 26)");
        }, this);

    private Operation<DibsActual, DibsModel> Unregister(int id) => new Step(
        $"unregister_dmb(#{id})", m => m.Live.Any(d => d.Id == id && d.OwnerHolds),
        m => m.Update(id, d => d with { OwnerHolds = false }),
        (a, _) => { var dmb = a.ById[id]; DibsAssert.Ok(a.S.Unregister(dmb), $"unregister_dmb(#{id})"); }, this);

    private Operation<DibsActual, DibsModel> Attach(int id) => new Step(
        $"attach_dmb(#{id})", m => m.Live.Any(d => d.Id == id),
        m => m.Update(id, d => d with { Attachments = d.Attachments + 1 }),
        (a, _) => DibsAssert.Ok(a.S.Attach(a.ById[id].DmbTok, out var ignored), $"attach_dmb(#{id})"), this);

    private Operation<DibsActual, DibsModel> Detach(int id) => new Step(
        $"detach_dmb(#{id})", m => m.Live.Any(d => d.Id == id && d.Attachments > 0),
        m => m.Update(id, d => d with { Attachments = d.Attachments - 1 }),
        (a, _) => DibsAssert.Ok(a.S.Detach(a.ById[id].DmbTok), $"detach_dmb(#{id})"), this);

    private Operation<DibsActual, DibsModel> Move(int id, int size, int where) => new Step(
        $"move_data(#{id}, {size} bytes, sf {where % 2 == 1})", m => m.Live.Any(d => d.Id == id), m => m,
        (a, m) =>
        {
            // Sized against the DMB at check time, so a shrunk sequence still writes in bounds.
            var len = m.Live.Single(d => d.Id == id).Len;
            var n = (uint)Math.Min(size, (int)len);
            var offset = (uint)(where % (len - n + 1));
            var data = Enumerable.Range(1, (int)n).Select(i => (byte)i).ToArray();
            DibsAssert.Ok(a.S.Move(a.ById[id].DmbTok, (uint)where, where % 2 == 1, offset, data), $"move_data(#{id}, offset {offset}, {n} bytes)");
        }, this);

    /// <summary>The rules asserted after every step, on the model state after it.</summary>
    private void Invariants(DibsActual a, DibsModel m)
    {
        var live = m.Live.Select(d => (d.Id, Dmb: a.ById[d.Id])).ToList();
        if (checks.HasFlag(DibsMachineChecks.UniqueIdxToken) || checks.HasFlag(DibsMachineChecks.FreeAtZero))
        {
            DibsAssert.That(live.Select(l => l.Dmb.Idx).Distinct().Count() == live.Count, $"two live DMBs share an index: {string.Join(", ", live.Select(l => $"#{l.Id}:{l.Dmb.Idx}"))}");
            if (checks.HasFlag(DibsMachineChecks.UniqueIdxToken))
                DibsAssert.That(live.Select(l => l.Dmb.DmbTok).Distinct().Count() == live.Count, "two live DMBs share a token (rule 19)");
        }
        if (checks.HasFlag(DibsMachineChecks.Refcount))
        {
            foreach (var (id, dmb) in live)
                DibsAssert.Ok(a.S.Move(dmb.DmbTok, 0, false, 0, []), $"move_data on #{id}, which still holds a reference");
            foreach (var id in m.Freed)
                DibsAssert.That(a.S.Move(a.ById[id].DmbTok, 0, false, 0, []) != 0, $"move_data on #{id} succeeded after its last reference was dropped");
        }
        if (checks.HasFlag(DibsMachineChecks.FreeAtZero) && a.S.HasMemory)
        {
            foreach (var (id, dmb) in live)
                DibsAssert.That(a.S.Bytes(dmb.DmbTok) is { } b && b.Length == dmb.DmbLen, $"memory of #{id} is gone while it holds a reference");
            foreach (var id in m.Freed)
                DibsAssert.That(a.S.Bytes(a.ById[id].DmbTok) is null, $"memory of #{id} is still there after its last reference was dropped");
        }
        if (checks.HasFlag(DibsMachineChecks.NoEvents))
            DibsAssert.That(a.S.Owner.Events.Count == 0, "a loopback operation raised handle_event (rule 42)");
    }

    private sealed class Step(string name, Func<DibsModel, bool> pre, Func<DibsModel, DibsModel> run, Action<DibsActual, DibsModel> check, DibsMachine machine)
        : MachineStep<DibsActual, DibsModel>(name, pre, run, check, machine.Invariants);
}
