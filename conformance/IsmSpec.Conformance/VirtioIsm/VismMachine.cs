using System.Collections.Immutable;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>Which rules the region state machine exercises and asserts (each requirement selects its own).</summary>
[Flags]
internal enum VismMachineChecks
{
    None = 0,
    /// <summary>Statement 21: attaches by third guests too, which must ack ERR.</summary>
    Exclusive = 1,
    /// <summary>Statement 24: after every step each holder reads the last data; attaches with tokens of freed regions ack ERR.</summary>
    LastReference = 2,
    /// <summary>VISM-DEC-DENY-OTHER: GRANTs with per-device entries, defaults and DENY_OTHER by MANAGE holders.</summary>
    DenyOther = 4,
    /// <summary>VISM-DEC-UPDATE-COALESCE: each region notified for a guest is reported at least once when that guest drains its eventq.</summary>
    Updates = 8,
    /// <summary>VISM2-DEC-CLEAN-DEFAULT (version 2): GRANT_SET_DEFAULT / GRANT_SET_FOR_DEVICE, bit 4 = CLEAN_DEFAULT.</summary>
    CleanDefault = 16,
}

/// <summary>
/// What the machine does with one guest, in either generation: version 1 names regions by offset in DETACH and GRANT,
/// version 2 by token (and a GRANT to devid 0 is GRANT_SET_DEFAULT there). Bit 4 of a GRANT is DENY_OTHER in version
/// 1 and CLEAN_DEFAULT in version 2.
/// </summary>
internal interface IVismMachineGuest
{
    ulong Devid { get; }
    bool EventVq { get; }
    VismRegion MustAlloc(ulong size);
    ulong? Attach(ulong token);
    bool Detach(VismRegion region);
    bool Grant(VismRegion region, ulong peerDevid, VirtioIsmPerm permissions);
    bool Write(ulong offset, ReadOnlySpan<byte> bytes);
    byte[]? Read(ulong offset, int length);
    void Notify(ulong offset);
    List<ulong> EventqUpdates();
}

/// <summary>One region of the model: guests by index 0..2, -1 for "no peer yet"; rights; the last byte written (0 = none).</summary>
internal sealed record MRegion(int Id, int Owner, int Peer, bool OwnerRef, bool PeerRef, ImmutableDictionary<int, VirtioIsmPerm> Entries, VirtioIsmPerm Default, bool Deny, byte Data)
{
    public bool Holds(int g) => (g == Owner && OwnerRef) || (g == Peer && PeerRef);
    public VirtioIsmPerm Effective(int g) => Entries.TryGetValue(g, out var p) ? p : Deny ? Default & ~VirtioIsmPerm.Attach : Default;
    public bool Has(int g, VirtioIsmPerm right) => (Effective(g) & right) != 0;
    public int Other(int g) => g == Owner ? (PeerRef ? Peer : -1) : (OwnerRef ? Owner : -1);
    /// <summary>Statement 21: only the allocator and the first attacher ever hold the region.</summary>
    public bool Eligible(int g) => g == Owner || Peer < 0 || g == Peer;
    public bool AttachOk(int g) => !Holds(g) && Eligible(g) && Has(g, VirtioIsmPerm.Attach);
    public override string ToString() => $"#{Id}(owner {Owner}{(OwnerRef ? "" : " gone")}, peer {Peer}{(PeerRef ? "" : " gone")})";
}

/// <summary>The immutable model: live regions, freed ones, and the updates each guest is owed (guest, region id).</summary>
internal sealed record VismModel(ImmutableList<MRegion> Live, ImmutableList<int> Freed, ImmutableHashSet<(int Guest, int Region)> Owed, int NextId)
{
    public static readonly VismModel Empty = new([], [], [], 0);

    /// <summary>The regions the last drained guest was owed (and still held) when it drained.</summary>
    public ImmutableHashSet<int> Drained { get; init; } = [];

    public int Refs(int g) => Live.Count(r => r.Holds(g));
    public MRegion Get(int id) => Live.Single(r => r.Id == id);

    public VismModel Update(int id, Func<MRegion, MRegion> change)
    {
        var old = Get(id);
        var now = change(old);
        return now.OwnerRef || now.PeerRef
            ? this with { Live = Live.Replace(old, now) }
            : this with { Live = Live.Remove(old), Freed = Freed.Add(id), Owed = Owed.Where(o => o.Region != id).ToImmutableHashSet() };
    }

    public override string ToString() => $"[{string.Join(" ", Live)}] freed [{string.Join(" ", Freed)}]";
}

/// <summary>The device side of a run: a fresh host with three guests and the region (token, offset) behind each model id.</summary>
internal sealed class VismActual(IDisposable session, IVismMachineGuest[] guests) : IDisposable
{
    public VismActual(VismSession session, ulong features) : this(session, Enumerable.Range(0, 3).Select(_ => (IVismMachineGuest)session.Add(features)).ToArray()) { }

    public IVismMachineGuest[] Guests { get; } = guests;
    public Dictionary<int, VismRegion> ById { get; } = [];
    public void Dispose() => session.Dispose();
}

/// <summary>
/// Model-based test of regions shared by three guests: ALLOC / ATTACH / DETACH / GRANT / write / notify / drain against
/// <see cref="VismModel"/>. Acks of every command are compared with the model; the rules selected by
/// <see cref="VismMachineChecks"/> add operations and assertions. Failing sequences shrink to a minimal one.
/// </summary>
internal sealed class VismMachine(Func<VismActual> open, bool notifies, VismMachineChecks checks, int window, int slots)
    : Machine<VismActual, VismModel>
{
    private const VirtioIsmPerm All = VirtioIsmPerm.Read | VirtioIsmPerm.Write | VirtioIsmPerm.Attach | VirtioIsmPerm.Manage;

    public override Arbitrary<Setup<VismActual, VismModel>> Setup =>
        Gen.Constant(StateMachine.Setup(open, () => VismModel.Empty)).ToArbitrary();

    public override TearDown<VismActual> TearDown => StateMachine.TearDown<VismActual>(a => a.Dispose());

    public override Gen<Operation<VismActual, VismModel>> Next(VismModel model)
    {
        var guests = Gen.Choose(0, 2);
        var choices = new List<(int, Gen<Operation<VismActual, VismModel>>)>();
        var roomy = Enumerable.Range(0, 3).Where(g => model.Refs(g) < window).ToArray();
        if (model.Live.Count < slots && roomy.Length > 0)
            choices.Add((2, Gen.Elements(roomy).Select(Alloc)));
        var pairs = (from r in model.Live from g in Enumerable.Range(0, 3) select (r, g)).ToList();
        var attachable = pairs.Where(p => !p.r.Holds(p.g) && model.Refs(p.g) < window && (checks.HasFlag(VismMachineChecks.Exclusive) || p.r.Eligible(p.g))).ToList();
        var held = pairs.Where(p => p.r.Holds(p.g)).ToList();
        if (attachable.Count > 0) choices.Add((3, Gen.Elements(attachable.ToArray()).Select(p => Attach(p.g, p.r.Id))));
        if (held.Count > 0)
        {
            choices.Add((2, Gen.Elements(held.ToArray()).Select(p => Detach(p.g, p.r.Id))));
            var writers = held.Where(p => p.r.Has(p.g, VirtioIsmPerm.Write)).ToArray();
            if (writers.Length > 0) choices.Add((2, Gen.Zip(Gen.Elements(writers), Gen.Choose(1, 255)).Select(t => WriteData(t.Item1.g, t.Item1.r.Id, (byte)t.Item2))));
            if (notifies) choices.Add((2, Gen.Elements(held.ToArray()).Select(p => Notify(p.g, p.r.Id))));
            var managers = held.Where(p => p.r.Has(p.g, VirtioIsmPerm.Manage)).ToArray();
            if ((checks & (VismMachineChecks.DenyOther | VismMachineChecks.CleanDefault)) != 0 && managers.Length > 0)
                choices.Add((3, Gen.Zip(Gen.Elements(managers), Gen.Zip(Gen.Choose(-1, 2), Gen.Choose(0, 31))).Select(t => Grant(t.Item1.g, t.Item1.r.Id, t.Item2.Item1, (VirtioIsmPerm)(ulong)t.Item2.Item2))));
        }
        if (checks.HasFlag(VismMachineChecks.Updates)) choices.Add((1, guests.Select(Drain)));
        if (checks.HasFlag(VismMachineChecks.LastReference) && !model.Freed.IsEmpty && roomy.Length > 0)
            choices.Add((1, Gen.Zip(Gen.Elements(roomy), Gen.Elements(model.Freed.ToArray())).Select(t => AttachFreed(t.Item1, t.Item2))));
        return Gen.Frequency(choices.Count > 0 ? choices.ToArray() : [(1, guests.Select(Drain))]);
    }

    private Operation<VismActual, VismModel> Alloc(int g) => new Step($"ALLOC by {g}", m => m.Refs(g) < window && m.Live.Count < slots,
        m => m with
        {
            Live = m.Live.Add(new MRegion(m.NextId, g, -1, true, false, ImmutableDictionary<int, VirtioIsmPerm>.Empty.Add(g, All), All & ~VirtioIsmPerm.Manage, false, 0)),
            NextId = m.NextId + 1,
        },
        (a, m) => a.ById[m.NextId - 1] = a.Guests[g].MustAlloc(16), this);

    // The model after the step holds (g, id) exactly when the ATTACH was expected to succeed (before, g did not hold it).
    private Operation<VismActual, VismModel> Attach(int g, int id) => new Step($"ATTACH #{id} by {g}",
        m => m.Live.Any(r => r.Id == id) && m.Refs(g) < window && !m.Get(id).Holds(g),
        m => !m.Get(id).AttachOk(g) ? m : m.Update(id, x => g == x.Owner ? x with { OwnerRef = true } : x with { Peer = g, PeerRef = true }),
        (a, m) => VismAssert.Equal(m.Live.Any(r => r.Id == id && r.Holds(g)), a.Guests[g].Attach(a.ById[id].Token) is not null, $"ATTACH of #{id} by guest {g} acked OK"), this);

    private Operation<VismActual, VismModel> Detach(int g, int id) => new Step($"DETACH #{id} by {g}", m => m.Live.Any(r => r.Id == id && r.Holds(g)),
        m => (m with { Owed = m.Owed.Remove((g, id)) }).Update(id, x => g == x.Owner && x.OwnerRef ? x with { OwnerRef = false } : x with { PeerRef = false }),
        (a, _) => VismAssert.That(a.Guests[g].Detach(a.ById[id]), $"DETACH of #{id} by its holder {g} acked ERR"), this);

    private Operation<VismActual, VismModel> WriteData(int g, int id, byte value) => new Step($"write {value} to #{id} by {g}",
        m => m.Live.Any(r => r.Id == id && r.Holds(g) && r.Has(g, VirtioIsmPerm.Write)),
        m => m.Update(id, x => x with { Data = value }),
        (a, _) => VismAssert.That(a.Guests[g].Write(a.ById[id].Offset, Enumerable.Repeat(value, 8).ToArray()), $"guest {g} cannot write #{id} it holds with WRITE"), this);

    private Operation<VismActual, VismModel> Notify(int g, int id) => new Step($"notify #{id} by {g}", m => m.Live.Any(r => r.Id == id && r.Holds(g)),
        m =>
        {
            var r = m.Get(id);
            int other = r.Other(g);
            return other >= 0 && r.Has(g, VirtioIsmPerm.Write) && r.Has(other, VirtioIsmPerm.Read) ? m with { Owed = m.Owed.Add((other, id)) } : m;
        },
        (a, _) => a.Guests[g].Notify(a.ById[id].Offset), this);

    private Operation<VismActual, VismModel> Drain(int g) => new Step($"drain eventq of {g}", _ => true,
        m => m with
        {
            Drained = m.Owed.Where(o => o.Guest == g && m.Get(o.Region).Holds(g)).Select(o => o.Region).ToImmutableHashSet(),
            Owed = m.Owed.Where(o => o.Guest != g).ToImmutableHashSet(),
        },
        (a, m) =>
        {
            var reported = a.Guests[g].EventqUpdates();
            if (!a.Guests[g].EventVq) return;
            foreach (var id in m.Drained)
                VismAssert.That(reported.Contains(a.ById[id].Offset), $"guest {g} was owed an update of #{id} and its eventq did not report it");
        }, this);

    private Operation<VismActual, VismModel> Grant(int g, int id, int target, VirtioIsmPerm permissions) => new Step(
        $"GRANT #{id} by {g} to {(target < 0 ? "default" : $"guest {target}")}: {permissions}",
        m => m.Live.Any(r => r.Id == id && r.Holds(g) && r.Has(g, VirtioIsmPerm.Manage)),
        m => m.Update(id, x =>
        {
            bool bit4 = (permissions & VirtioIsmPerm.DenyOther) != 0;
            var rights = permissions & All;
            if (checks.HasFlag(VismMachineChecks.CleanDefault))          // version 2: defaults cleared first, not sticky
                return target < 0 ? x with { Default = rights } : x with { Entries = x.Entries.SetItem(target, rights), Default = bit4 ? 0 : x.Default };
            return target < 0 ? x with { Default = rights, Deny = bit4 } : x with { Entries = x.Entries.SetItem(target, rights), Deny = x.Deny || bit4 };
        }),
        (a, _) => VismAssert.That(a.Guests[g].Grant(a.ById[id], target < 0 ? 0 : a.Guests[target].Devid, permissions), $"GRANT by a MANAGE holder acked ERR"), this);

    private Operation<VismActual, VismModel> AttachFreed(int g, int id) => new Step($"ATTACH freed #{id} by {g}", m => m.Freed.Contains(id) && m.Refs(g) < window, m => m,
        (a, _) => VismAssert.That(a.Guests[g].Attach(a.ById[id].Token) is null, $"the token of #{id} attached after every holder had detached"), this);

    /// <summary>Asserted after every step: with LastReference, each holder reads the last data written.</summary>
    private void Invariants(VismActual a, VismModel m)
    {
        if (!checks.HasFlag(VismMachineChecks.LastReference)) return;
        foreach (var r in m.Live.Where(r => r.Data != 0))
            foreach (var g in new[] { r.Owner, r.Peer }.Where(g => g >= 0 && r.Holds(g) && r.Has(g, VirtioIsmPerm.Read)))
                VismAssert.That(a.Guests[g].Read(a.ById[r.Id].Offset, 8) is { } bytes && bytes.All(b => b == r.Data), $"guest {g} holds #{r.Id} but does not read its data {r.Data}");
    }

    private sealed class Step(string name, Func<VismModel, bool> pre, Func<VismModel, VismModel> run, Action<VismActual, VismModel> check, VismMachine machine)
        : MachineStep<VismActual, VismModel>(name, pre, run, check, machine.Invariants);
}
