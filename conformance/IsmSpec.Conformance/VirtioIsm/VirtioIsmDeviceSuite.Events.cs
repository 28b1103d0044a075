using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Specs.VirtioIsm;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>Events (draft "Events", statements 3 and 27), exclusivity (21), life cycle (reset, peers gone) and the model-based runs.</summary>
public sealed partial class VirtioIsmDeviceSuite
{
    /// <summary>Statement 3: a notify by one referrer is reported to the other one.</summary>
    [Checks(Ids.VismEventNotifyPeers)]
    public Property NotifiesReachTheOtherReferrer() => ForAll(Arb.Zip(Ints(1, 3), Gen.ListOf(Gen.Zip(Gen.Choose(0, 2), Gen.Elements(true, false))).Select(l => l.Take(8).ToArray()).ToArbitrary()), c =>
    {
        using var s = Open();
        var a = s.Add(EventFeatures);
        var b = s.Add(EventFeatures);
        var (la, lb) = (new VismListener(a, s.Host.VectorCount), new VismListener(b, s.Host.VectorCount));
        int k = la.ByVector ? Math.Min(c.Item1, s.Host.VectorCount) : c.Item1;
        var regions = Enumerable.Range(0, k).Select(_ => a.MustAlloc(8)).ToList();
        foreach (var r in regions) { b.MustAttach(r, "a fresh region"); la.Watch(r.Offset); lb.Watch(r.Offset); }
        foreach (var (i, fromA) in c.Item2.Prepend((0, false)))
        {
            var r = regions[i % regions.Count];
            var (writer, peer) = fromA ? (a, lb) : (b, la);
            writer.Notify(r.Offset);
            VismAssert.That(peer.Updates().Contains(r.Offset), $"{writer.Name} notified {r}; the other referrer was not told");
        }
    });

    /// <summary>Decision: a notify by a WRITE holder goes to the other referrer if it holds READ, never back to the writer.</summary>
    [Checks(Ids.VismDecUpdate)]
    public Property UpdatesFollowWriteAndRead() => ForAll(Arb.Zip(Arb.Zip(Rights().ToArbitrary(), Rights().ToArbitrary()), Arb.From(Gen.Elements(true, false))), c =>
    {
        using var s = Open();
        var a = s.Add(EventFeatures);
        var b = s.Add(EventFeatures);
        var r = a.MustAlloc(8);
        b.MustAttach(r, "a fresh region");
        var (la, lb) = (new VismListener(a, s.Host.VectorCount), new VismListener(b, s.Host.VectorCount));
        la.Watch(r.Offset);
        lb.Watch(r.Offset);
        var (ra, rb) = (c.Item1.Item1, c.Item1.Item2);
        VismAssert.That(a.Grant(r.Offset, b.Devid, rb) && a.Grant(r.Offset, a.Devid, ra), "the allocator's GRANTs acked ERR");
        var (writer, wl, rw, other, ol, ro) = c.Item2 ? (a, la, ra, b, lb, rb) : (b, lb, rb, a, la, ra);
        writer.Notify(r.Offset);
        bool expected = (rw & VirtioIsmPerm.Write) != 0 && (ro & VirtioIsmPerm.Read) != 0;
        VismAssert.Equal(expected, ol.Updates().Contains(r.Offset), $"{other.Name} ({ro}) told of a notify by {writer.Name} ({rw})");
        VismAssert.That(!wl.Updates().Contains(r.Offset), $"{writer.Name} was told of its own notify");
    });

    /// <summary>Decision: undelivered updates of a region coalesce; every notified region is reported, none twice in a message.</summary>
    [Checks(Ids.VismDecUpdateCoalesce)]
    public Property PendingUpdatesCoalesce() => ForAll(Arb.Zip(Ints(1, 4), Gen.ListOf(Gen.Choose(0, 3)).Select(l => l.Take(20).ToArray()).ToArbitrary()), c =>
    {
        using var s = Open();
        var a = s.Add(VirtioIsmSpec.VirtioIsmFEventVq);
        var b = s.Add(VirtioIsmSpec.VirtioIsmFEventVq);
        var regions = Enumerable.Range(0, c.Item1).Select(_ => a.MustAlloc(8)).ToList();
        foreach (var r in regions) b.MustAttach(r, "a fresh region");
        var notified = c.Item2.Prepend(0).Select(i => regions[i % regions.Count].Offset).ToList();
        foreach (var offset in notified) b.Notify(offset);
        var messages = a.Raw.TakeEvents();
        foreach (var offsets in messages.Select(Offsets))
            VismAssert.That(offsets.Distinct().Count() == offsets.Count, $"one eventq message lists a region twice: {string.Join(", ", offsets)}");
        var reported = messages.SelectMany(Offsets).ToList();
        reported.AddRange(a.EventqUpdates());
        foreach (var offset in notified.Distinct())
        {
            int n = reported.Count(o => o == offset);
            VismAssert.That(n >= 1 && n <= notified.Count(o => o == offset), $"region 0x{offset:X} notified {notified.Count(o => o == offset)} times was reported {n} times");
        }
    });

    /// <summary>Model-based: every region notified in a sequence is reported at least once after its last notify.</summary>
    [Checks(Ids.VismDecUpdateCoalesce)]
    public Property UpdatesInSequences() => StateMachine.ToProperty(Machine(VismMachineChecks.Updates));

    /// <summary>Statement 27: EVENT_VECTOR binds a region to a vector, which then fires on every update of the region.</summary>
    [Checks(Ids.VismEventVectorBind)]
    public Property BoundVectorsFireOnUpdates() => ForAll(Arb.Zip(Ints(1, 4), Gen.ListOf(Gen.Zip(Gen.Choose(0, 3), Gen.Choose(0, 63))).Select(l => l.Take(8).ToArray()).ToArbitrary()), c =>
    {
        using var s = Open();
        var a = s.Add(VirtioIsmSpec.VirtioIsmFEventIrq);
        var b = s.Add(EventFeatures);
        int vectors = Math.Max(1, s.Host.VectorCount);
        var regions = Enumerable.Range(0, c.Item1).Select(_ => a.MustAlloc(8)).ToList();
        var vectorOf = new Dictionary<ulong, int>();
        foreach (var (i, v) in c.Item2.Prepend((0, 0)))
        {
            var r = regions[i % regions.Count];
            if (!vectorOf.ContainsKey(r.Offset)) b.MustAttach(r, "a fresh region");
            vectorOf[r.Offset] = v % vectors;
            VismAssert.That(a.EventVector(r.Offset, (ulong)(v % vectors)), $"EVENT_VECTOR({r}, {v % vectors}) acked ERR");
            long before = a.Raw.VectorCount(v % vectors);
            b.Notify(r.Offset);
            if (s.Host.EventLatency > TimeSpan.Zero) Thread.Sleep(s.Host.EventLatency);
            VismAssert.That(a.Raw.VectorCount(v % vectors) > before, $"vector {v % vectors} bound to {r} did not fire on its update");
        }
    });

    /// <summary>Decision: a region with a bound vector reports only through it; other regions only through the eventq.</summary>
    [Checks(Ids.VismDecEventRoute)]
    public Property BoundRegionsUseTheVectorOthersTheEventq() => ForAll(Arb.Zip(Ints(0, 63), Arb.From(Gen.Elements(true, false))), c =>
    {
        using var s = Open();
        var a = s.Add(VirtioIsmSpec.VirtioIsmFEventVq | VirtioIsmSpec.VirtioIsmFEventIrq);
        var b = s.Add(EventFeatures);
        int v = c.Item1 % Math.Max(1, s.Host.VectorCount);
        var (bound, free) = (a.MustAlloc(8), a.MustAlloc(8));
        b.MustAttach(bound, "a fresh region");
        b.MustAttach(free, "a fresh region");
        VismAssert.That(a.EventVector(bound.Offset, (ulong)v), "EVENT_VECTOR acked ERR");
        foreach (var r in c.Item2 ? new[] { bound, free } : [free, bound])
        {
            long before = a.Raw.VectorCount(v);
            b.Notify(r.Offset);
            bool onQueue = a.EventqUpdates().Contains(r.Offset), fired = a.Raw.VectorCount(v) > before;
            VismAssert.That(r == bound ? fired && !onQueue : onQueue && !fired,
                $"{(r == bound ? "bound" : "unbound")} region {r}: vector fired {fired}, eventq reported {onQueue}");
        }
    });

    /// <summary>Statement 21: a region is shared by its allocator and the first attacher only, also after one side detached.</summary>
    [Checks(Ids.VismAttachExclusive)]
    public Property RegionsAreSharedByTwoGuests() => ForAll(Arb.From(Gen.Elements(true, false)), ownerLeaves =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var c = s.Add();
        var r = a.MustAlloc(8);
        b.MustAttach(r, "a fresh region");
        VismAssert.That(c.Attach(r.Token) is null, "a third guest attached a region two guests share");
        var (leaving, staying) = ownerLeaves ? (a, b) : (b, a);
        VismAssert.That(leaving.Detach(r.Offset), "DETACH of a held region acked ERR");
        VismAssert.That(c.Attach(r.Token) is null, "a third guest attached a region that is not fully released");
        leaving.MustAttach(r, "the earlier peer re-attaches a region that is not fully released");
        VismAssert.That(staying.Detach(r.Offset) && leaving.Detach(r.Offset), "DETACH of a held region acked ERR");
    });

    /// <summary>Model-based: attach acks of three guests over alloc/attach/detach/write/notify sequences.</summary>
    [Checks(Ids.VismAttachExclusive)]
    public Property ExclusiveInSequences() => StateMachine.ToProperty(Machine(VismMachineChecks.Exclusive));

    /// <summary>Model-based: every holder reads the last data written until the last reference goes; then the token is dead.</summary>
    [Checks(Ids.VismDetachLastReference)]
    public Property LastReferenceInSequences() => StateMachine.ToProperty(Machine(VismMachineChecks.LastReference));

    /// <summary>Decision: a reset drops the device's references (freeing regions only it held) and its vector bindings.</summary>
    [Checks(Ids.VismDecResetReleases)]
    public Property ResetReleasesEverything() => ForAll(Sizes(), size =>
    {
        using var s = Open();
        var a = s.Add(EventFeatures);
        var b = s.Add(EventFeatures);
        var (alone, shared) = (a.MustAlloc(size), a.MustAlloc(size));
        b.MustAttach(shared, "a fresh region");
        VismAssert.That(b.Write(shared.Offset, Pattern((int)size, 7)), "a holder cannot write");
        if (a.EventIrq) VismAssert.That(a.EventVector(shared.Offset, 0), "EVENT_VECTOR acked ERR");
        a = s.Reinit(a);
        VismAssert.That(!a.Detach(alone.Offset) && !a.Detach(shared.Offset), "the device still held a reference after its reset");
        VismAssert.That(s.Add().Attach(alone.Token) is null, "a region only the reset device held outlived the reset");
        VismAssert.That(b.Read(shared.Offset, (int)size) is { } kept && kept.AsSpan().SequenceEqual(Pattern((int)size, 7)), "the other holder lost the data of a shared region");
        if (!a.EventIrq) return;
        a.MustAttach(shared, "the allocator re-attaches its region");
        long before = a.Raw.VectorCount(0);
        b.Notify(shared.Offset);
        VismAssert.That(a.Raw.VectorCount(0) == before, "the vector binding survived the reset");
    });

    /// <summary>Decision: a guest that disappears loses its references; the others keep working and their data.</summary>
    [Checks(Ids.VismDecPeerGone)]
    public Property VanishedGuestsAreReleased() => ForAll(Sizes(), size =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var c = s.Add();
        var (alone, shared, other) = (a.MustAlloc(size), a.MustAlloc(size), c.MustAlloc(size));
        b.MustAttach(shared, "a fresh region");
        VismAssert.That(b.Write(shared.Offset, Pattern((int)size, 8)) && c.Write(other.Offset, Pattern((int)size, 9)), "a holder cannot write");
        a.Raw.Remove();
        VismAssert.That(b.Read(shared.Offset, (int)size) is { } kept && kept.AsSpan().SequenceEqual(Pattern((int)size, 8)), "the peer lost the data of a shared region");
        VismAssert.That(c.Read(other.Offset, (int)size) is { } mine && mine.AsSpan().SequenceEqual(Pattern((int)size, 9)), "an unrelated guest lost its region's data");
        VismAssert.That(s.Add().Attach(alone.Token) is null, "a region only the vanished guest held is still attachable");
        VismAssert.That(b.Detach(shared.Offset), "the peer cannot DETACH its shared region after the other guest vanished");
        VismAssert.That(b.Alloc(size) is not null && c.Alloc(size) is not null, "ALLOC fails for the remaining guests");
    });

    private static List<ulong> Offsets(byte[] message)
    {
        var offsets = new List<ulong>();
        if (VirtioIsmEvent.TryReadMessage(message, out var header, out var tail))
            for (int i = 0; i < (int)header.OffsetCount; i++) offsets.Add(VirtioIsmEvent.GetOffset(tail, i));
        return offsets;
    }

    internal VismMachine Machine(VismMachineChecks checks)
    {
        var features = checks == VismMachineChecks.Updates ? VirtioIsmSpec.VirtioIsmFEventVq : EventFeatures & VirtioIsmSpec.VirtioIsmFEventVq;
        return new VismMachine(() => new VismActual(Open(), features), features != 0, checks, Math.Clamp(Device.Window - 1, 1, 4), Math.Max(1, Device.Slots));
    }
}
