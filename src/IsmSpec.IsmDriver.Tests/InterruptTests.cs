using System.Buffers.Binary;

namespace IsmSpec.IsmDriver.Tests;

/// <summary>The interrupt handler (research §4.7; rules 62, 64) with MSIs held until the test fires them.</summary>
public class InterruptTests
{
    /// <summary>A pair whose B holds its MSIs; B's client callbacks go to <paramref name="log"/>.</summary>
    private static IsmPair DeferredPair(List<string> log)
    {
        var pair = new IsmPair(setupB: p => p.DeferIrqs = true);
        pair.B.Client.OnIrq = (_, i, m) => { lock (log) log.Add($"irq {i} {m:X4}"); };
        pair.B.Client.OnEvent = (_, e) => { lock (log) log.Add($"event {e.Type} {e.Subtype:X}"); };
        return pair;
    }

    private static ref IsmSba Sba(IsmSide side) => ref IsmSba.View(side.Function.HostMemory.Span(side.Driver.SbaAddress!.Value, IsmSba.Size));

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmIrqHandlerOrder)]
    public void Summary_first_then_dmb_bits_from_32_up_with_their_masks_then_the_event_queue()
    {
        var log = new List<string>();
        var pair = DeferredPair(log);
        var (a, b) = (pair.A, pair.B);
        var d100 = pair.DmbOnB(4096, idx: 100);
        var d33 = pair.DmbOnB(4096, idx: 33);
        var d40 = pair.DmbOnB(4096, idx: 40);
        Assert.Equal(0, a.Driver.MoveData(a.Dev, d100.DmbTok, 0, true, 0, [1]));
        Assert.Equal(0, a.Driver.MoveData(a.Dev, d33.DmbTok, 1, true, 0, [2]));
        Assert.Equal(0, a.Driver.MoveData(a.Dev, d40.DmbTok, 0, true, 0, [3]));
        Assert.Equal(0, a.Driver.MoveData(a.Dev, d40.DmbTok, 1, true, 1, [4])); // coalesced with the previous signal
        Assert.Equal(0, a.Driver.SignalEvent(a.Dev, b.Gid, 1, 0x83, 77));
        lock (b.Pci.HostSync) Sba(b).DmbBits[0] |= 0x04; // DMB index 5: never scanned (rule 50)
        Assert.True(b.Pci.PendingIrqs > 0);
        Assert.Empty(log);

        bool summaryClearedBeforeFirstIrq = false;
        b.Client.OnIrq += (_, _, _) => { if (log.Count == 1) summaryClearedBeforeFirstIrq = !Sba(b).Status.S; };
        b.Pci.FireIrq();
        Assert.Equal([$"irq 33 {MoveDataTests.Mask(1):X4}", $"irq 40 {MoveDataTests.Mask(0) | MoveDataTests.Mask(1):X4}",
            $"irq 100 {MoveDataTests.Mask(0):X4}", $"event {DibsEventType.SwEvent} 83"], log);
        Assert.True(summaryClearedBeforeFirstIrq);
        ref var sba = ref Sba(b);
        Assert.False(sba.Status.S);
        Assert.False(sba.Status.E);
        foreach (int i in new[] { 33, 40, 100 })
        {
            Assert.Equal(0, sba.DmbBits[i / 8] & (0x80 >> (i % 8)));
            Assert.Equal(0, sba.GetDmbeMask(i));
        }
        Assert.Equal(0x04, sba.DmbBits[0]);

        b.Pci.FireIrq(); // a spurious MSI finds nothing
        Assert.Equal(4, log.Count);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmIrqHandlerOrder)]
    public void A_signal_for_an_index_nobody_owns_is_dropped_and_its_bit_still_cleared()
    {
        var log = new List<string>();
        var pair = DeferredPair(log);
        var d = pair.DmbOnB(4096, idx: 50);
        pair.B.Dev.ClearDmbOwner(50 - 32); // the owner of idx 50 sits at table slot 18 (idx − 32)
        Assert.Equal(0, pair.A.Driver.MoveData(pair.A.Dev, d.DmbTok, 0, true, 0, [1]));
        pair.B.Pci.FireIrq();
        Assert.Empty(log);
        Assert.Equal(0, Sba(pair.B).DmbBits[50 / 8]);
    }

    private static IsmEvent Entry(uint type, uint code, ulong tok, ulong time, ulong info) =>
        new() { Type = type, Code = code, Tok = tok, Time = time, Info = info };

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmIeqEventMapping)]
    public void Ieq_entries_map_to_dibs_events_as_the_kernel_does()
    {
        var pair = DeferredPair([]);
        var b = pair.B;
        const ulong T = 0x0000_0007_0000_0000, G = 0x4953_0123_0000_0001;
        (IsmEvent Entry, DibsEventType Type, uint Subtype, ulong BufferTok, ulong GidHigh)[] table =
        [
            (Entry(0, 4, T, 1, 11), DibsEventType.BufEvent, (uint)DibsEventSubtype.BufUnregistered, T, 0),
            (Entry(0, 2, T, 2, 12), DibsEventType.BufEvent, (uint)DibsEventSubtype.OtherSubtype, T, 0),
            (Entry(1, 7, G, 3, 13), DibsEventType.DevEvent, (uint)DibsEventSubtype.DevDisabled, 0, G),
            (Entry(1, 1, G, 4, 14), DibsEventType.DevEvent, (uint)DibsEventSubtype.DevErrState, 0, G),
            (Entry(1, 9, G, 5, 15), DibsEventType.DevEvent, (uint)DibsEventSubtype.OtherSubtype, 0, G),
            (Entry(2, 0x83, G, 6, 16), DibsEventType.SwEvent, 0x83, 0, G),
            (Entry(2, 4, G, 7, 17), DibsEventType.SwEvent, 4, 0, G),                                       // raw code, not mapped
            (Entry(9, 4, T, 8, 18), DibsEventType.OtherType, (uint)DibsEventSubtype.BufUnregistered, 0, 0), // code mapped, tok dropped
        ];
        lock (b.Pci.HostSync)
        {
            ref var eq = ref IsmEq.View(b.Function.HostMemory.Span(b.Driver.IeqAddress!.Value, IsmEq.Size));
            for (int k = 0; k < table.Length; k++) eq.Entry[k] = table[k].Entry;
            eq.Header.Idx = (ulong)table.Length;
            Sba(b).Status.E = true;
        }
        b.Pci.FireIrq();
        var events = b.Client.Events;
        Assert.Equal(table.Length, events.Count);
        for (int k = 0; k < table.Length; k++)
        {
            var ev = events[k];
            Assert.Equal(table[k].Type, ev.Type);
            Assert.Equal(table[k].Subtype, ev.Subtype);
            Assert.Equal(table[k].BufferTok, ev.BufferTok);
            Assert.Equal(table[k].GidHigh, BinaryPrimitives.ReadUInt64BigEndian(ev.Gid));
            Assert.Equal(0UL, BinaryPrimitives.ReadUInt64BigEndian(ev.Gid[8..]));
            Assert.Equal(table[k].Entry.Time, ev.Time);
            Assert.Equal(table[k].Entry.Info, ev.Data);
        }
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmIeqEventMapping)]
    public void Device_events_arrive_in_order_across_the_queue_wrap_and_a_buf_event_carries_the_token()
    {
        var pair = new IsmPair();
        var (a, b) = (pair.A, pair.B);
        for (int i = 0; i < 40; i++)
            Assert.Equal(0, a.Driver.SignalEvent(a.Dev, b.Gid, 1, 0x80, (ulong)i));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (ulong)i), b.Client.Events.Select(e => e.Data));
        Assert.All(b.Client.Events, e => Assert.Equal(a.Driver.Gid, BinaryPrimitives.ReadUInt64BigEndian(e.Gid)));

        var dmb = pair.DmbOnB(4096);
        Assert.Equal(0, b.Driver.UnregisterDmb(b.Dev, ref dmb));
        var buf = Assert.Single(a.Client.Events);
        Assert.Equal(DibsEventType.BufEvent, buf.Type);
        Assert.Equal((uint)DibsEventSubtype.BufUnregistered, buf.Subtype);
        Assert.Equal(dmb.DmbTok, buf.BufferTok);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmIeqEventMapping)]
    public void Decision_a_header_idx_outside_1_to_15_drains_at_most_one_lap_instead_of_spinning()
    {
        var pair = DeferredPair([]);
        var b = pair.B;
        lock (b.Pci.HostSync)
        {
            IsmEq.View(b.Function.HostMemory.Span(b.Driver.IeqAddress!.Value, IsmEq.Size)).Header.Idx = 16;
            Sba(b).Status.E = true;
        }
        b.Pci.FireIrq();
        Assert.Equal(15, b.Client.Events.Count);
    }
}
