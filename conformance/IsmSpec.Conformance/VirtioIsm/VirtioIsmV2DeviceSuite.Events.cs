using System.Numerics;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Specs.VirtioIsm.V2;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;
using ShmId = IsmSpec.Specs.VirtioIsm.VirtioIsmShmId;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>Version 2: the eventq, EVENT_VECTOR, per-chunk notify addresses and the region rules carried over from version 1 (model-based).</summary>
public sealed partial class VirtioIsmV2DeviceSuite
{
    /// <summary>EVENTQ: one 24-byte virtio_ism_event_update {UPDATE, first area offset, writer devid} per buffer, coalesced; no ATTACH/DETACH events.</summary>
    [Checks(Ids.Vism2DecEventq)]
    public Property UpdatesArriveOnePerBuffer() => ForAll(Arb.Zip(Ints(1, 4), Gen.ListOf(Gen.Zip(Gen.Choose(0, 3), Gen.Elements(true, false))).Select(l => l.Take(10).ToArray()).ToArbitrary()), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var regions = Enumerable.Range(0, c.Item1).Select(i => a.MustAlloc(Device.Chunk * (ulong)(i + 1))).ToList();
        foreach (var r in regions) b.MustAttach(r, "a fresh region");
        var extra = b.MustAlloc(1);
        a.MustAttach(extra, "a fresh region");
        VismAssert.That(b.DetachAck(extra.Token) == VirtioIsmAck.Ok, "DETACH by a holder did not ack OK");
        VismAssert.That(a.Raw.TakeEvents().Count == 0 && b.Raw.TakeEvents().Count == 0, "ATTACH or DETACH produced eventq messages (only UPDATE is sent)");
        var notified = c.Item2.Prepend((0, false)).Select(t => (Region: regions[t.Item1 % regions.Count], Writer: t.Item2 ? a : b)).ToList();
        foreach (var (r, writer) in notified) writer.Notify(r.Offset);
        foreach (var (reader, writer) in new[] { (a, b), (b, a) })
        {
            var expected = notified.Where(n => n.Writer == writer).Select(n => n.Region.Offset).ToList();
            var reported = new List<ulong>();
            foreach (var message in reader.Raw.TakeEvents())
            {
                VismAssert.That(message.Length == VirtioIsmEventUpdate.Size && VirtioIsmEventUpdate.TryRead(message, out _),
                    $"{reader.Name}: an eventq buffer holds {message.Length} bytes, not one {VirtioIsmEventUpdate.Size}-byte virtio_ism_event_update");
                VirtioIsmEventUpdate.TryRead(message, out var update);
                VismAssert.That(update.EvType == VirtioIsmEventType.Update, $"{reader.Name}: event type 0x{(ulong)update.EvType:X}, not UPDATE");
                VismAssert.That(update.Devid == writer.Devid, $"{reader.Name}: update of 0x{update.Offset:X} names devid {update.Devid}, not the writer's {writer.Devid}");
                reported.Add(update.Offset);
            }
            foreach (var offset in expected.Distinct())
            {
                int n = reported.Count(o => o == offset), sent = expected.Count(o => o == offset);
                VismAssert.That(n >= 1 && n <= sent, $"{reader.Name}: region 0x{offset:X} notified {sent} times by {writer.Name} was reported {n} times");
            }
            VismAssert.That(reported.All(expected.Contains), $"{reader.Name}: updates reported for regions nobody notified: {string.Join(", ", reported.Except(expected))}");
        }
    });

    /// <summary>Model-based: each region notified for a guest is reported when that guest drains its eventq (three guests).</summary>
    [Checks(Ids.Vism2DecEventq)]
    public Property UpdatesInSequences() => StateMachine.ToProperty(Machine(VismMachineChecks.Updates));

    /// <summary>EVENT-VECTOR: works without any feature bit, ERR beyond the vector count, a bound region reports only through its vector.</summary>
    [Checks(Ids.Vism2DecEventVector)]
    public Property BoundRegionsReportOnlyThroughTheirVector() => ForAll(Arb.Zip(Ints(0, 63), Ints(0, 1 << 20)), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        int vectors = Device.Vectors, v = c.Item1 % vectors;
        var (bound, free) = (a.MustAlloc(8), a.MustAlloc(8));
        b.MustAttach(bound, "a fresh region");
        b.MustAttach(free, "a fresh region");
        Expect(VirtioIsmAck.Err, a.EventVector(bound.Token, (ulong)vectors + (ulong)c.Item2), $"EVENT_VECTOR to vector {vectors + c.Item2} of {vectors}");
        Expect(VirtioIsmAck.Ok, a.EventVector(bound.Token, (ulong)v), $"EVENT_VECTOR to vector {v} with no feature negotiated");
        long Fired() => Enumerable.Range(0, vectors).Sum(a.Raw.VectorCount);
        long before = a.Raw.VectorCount(v);
        b.Notify(bound.Offset);
        if (s.Host.EventLatency > TimeSpan.Zero) Thread.Sleep(s.Host.EventLatency);
        VismAssert.That(a.Raw.VectorCount(v) > before, $"vector {v} bound to {bound} did not fire on its update");
        VismAssert.That(!a.EventqUpdates().Contains(bound.Offset), $"{bound}, bound to vector {v}, was also reported on the eventq");
        long all = Fired();
        b.Notify(free.Offset);
        VismAssert.That(a.EventqUpdates().Contains(free.Offset), $"{free} without a vector was not reported on the eventq");
        VismAssert.That(Fired() == all, $"a vector fired for {free}, which is bound to none");
    });

    /// <summary>NOTIFY-CHUNKS: notify_size bytes per chunk; a mark at any chunk of a region is an update for the other referrer as the rights say.</summary>
    [Checks(Ids.Vism2DecNotifyChunks)]
    public Property EveryChunkOfARegionNotifies() => ForAll(Arb.Zip(Arb.Zip(Sizes(), Rights()), Arb.Zip(Bools(), Ints(0, 1 << 16))), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var ((size, rights), (ownerWrites, pick)) = c;
        ulong notify = Vism2Session.Length(a, ShmId.Notify), chunks = Vism2Session.Length(a, ShmId.Regions) / Device.Chunk;
        VismAssert.That(notify >= chunks * a.Config.NotifySize, $"NOTIFY holds {notify} bytes, not notify_size {a.Config.NotifySize} for each of {chunks} chunks");
        var (ack, token, areas) = a.AllocRaw(size);
        VismAssert.That(ack == VirtioIsmAck.Ok && areas.Length > 0, $"ALLOC({size}) acked {Acks.Name(ack)} on a host with room");
        var r = new VismRegion(token, areas[0].Offset);
        b.MustAttach(r, "a fresh region");
        Expect(VirtioIsmAck.Ok, a.GrantDefault(token, rights), $"GRANT_SET_DEFAULT({rights}) by the allocator");
        var area = areas[pick % areas.Length];
        var (writer, other) = ownerWrites ? (a, b) : (b, a);
        var (wrights, orights) = ownerWrites ? (Read | Write | Attach | Manage, rights) : (rights, Read | Write | Attach | Manage);
        writer.Notify(area.Offset, (ulong)(pick / areas.Length));
        bool expected = (wrights & Write) != 0 && (orights & Read) != 0;
        VismAssert.Equal(expected, other.EventqUpdates().Contains(r.Offset), $"{other.Name} ({orights}) told of a mark at chunk 0x{area.Offset:X} of {r} by {writer.Name} ({wrights})");
        VismAssert.That(!writer.EventqUpdates().Contains(r.Offset), $"{writer.Name} was told of its own notify");
    });

    /// <summary>SAME-MODEL: tokens, zeroing, default and owner rights and reset as in version 1.</summary>
    [Checks(Ids.Vism2DecSameModel)]
    public Property RegionRulesCarryOver() => ForAll(Arb.Zip(Sizes(), Ints(2, 5)), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var (size, n) = c;
        var tokens = new List<ulong>();
        for (int i = 0; i < n; i++)
        {
            var r = a.MustAlloc(size);
            VismAssert.That(r.Token != 0 && !tokens.Contains(r.Token), $"ALLOC returned token 0x{r.Token:X}: 0 or that of a live region");
            tokens.Add(r.Token);
            VismAssert.That(a.Write(r.Offset, Pattern((int)size, i)), "the allocator cannot write its region");
            VismAssert.That(a.DetachAck(r.Token) == VirtioIsmAck.Ok, "DETACH by the only holder did not ack OK");
            var again = a.MustAlloc(size);
            VismAssert.That(a.Read(again.Offset, (int)size) is { } bytes && bytes.All(x => x == 0), $"a new region of {size} bytes does not read as zero after its slot held data");
            VismAssert.That(a.DetachAck(again.Token) == VirtioIsmAck.Ok, "DETACH by the only holder did not ack OK");
        }
        var shared = a.MustAlloc(size);
        var alone = a.MustAlloc(size);
        b.MustAttach(shared, "default rights include ATTACH", rwPerm: 3);
        VismAssert.That(b.Write(shared.Offset, Pattern((int)size, 9)) && b.Read(shared.Offset, (int)size) is not null, "a device with the default rights cannot read and write");
        VismAssert.That(b.GrantDefault(shared.Token, Read) != VirtioIsmAck.Ok, "a device with the default rights could GRANT (default includes MANAGE)");
        VismAssert.That(a.GrantDefault(shared.Token, Read | Write | Attach) == VirtioIsmAck.Ok, "the allocator could not GRANT (its entry lacks MANAGE)");
        a = s.Reinit(a);
        VismAssert.That(a.DetachAck(shared.Token) != VirtioIsmAck.Ok, "the device still held a reference after its reset");
        VismAssert.That(s.Add().Attach(alone.Token) is null, "a region only the reset device held outlived the reset");
        VismAssert.That(b.Read(shared.Offset, (int)size) is { } kept && kept.AsSpan().SequenceEqual(Pattern((int)size, 9)), "the other holder lost the data of a shared region");
        ulong or = tokens.Aggregate(0UL, (x, t) => x | t), and = tokens.Aggregate(ulong.MaxValue, (x, t) => x & t);
        VismAssert.That(n < 4 || BitOperations.PopCount(or & ~and) >= 24, $"{n} tokens vary in only {BitOperations.PopCount(or & ~and)} of 64 bits: not random");
    });

    /// <summary>SAME-MODEL, model-based: exclusivity, reference counting and data of three guests over alloc/attach/detach/write/notify.</summary>
    [Checks(Ids.Vism2DecSameModel)]
    public Property RegionRulesInSequences() => StateMachine.ToProperty(Machine(VismMachineChecks.Exclusive | VismMachineChecks.LastReference));

    /// <summary>CLEAN-DEFAULT, model-based: GRANT_SET_DEFAULT / GRANT_SET_FOR_DEVICE (bit 4 included) among the commands of three guests.</summary>
    [Checks(Ids.Vism2DecCleanDefault)]
    public Property CleanDefaultInSequences() => StateMachine.ToProperty(Machine(VismMachineChecks.CleanDefault));

    internal VismMachine Machine(VismMachineChecks checks) => new(() =>
    {
        var session = Open();
        return new VismActual(session, Enumerable.Range(0, 3).Select(_ => (IVismMachineGuest)session.Add()).ToArray());
    }, notifies: true, checks, Math.Clamp(Device.Window - 1, 1, 4), Math.Max(1, Device.Slots));
}
