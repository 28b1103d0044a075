using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.S390Ism.Tests;

/// <summary>SIGNAL_IEQ and the IEQ producer (rule 63, ISM-DEV-SIGNAL-IEQ, ISM-DEV-IEQ-OVERWRITE; research §4.7).</summary>
public class IeqTests
{
    /// <summary>The kernel's consumer loop (ism_handle_event): cursor starts at -1, runs while cursor + 1 != header.idx.</summary>
    private static List<IsmEvent> Drain(ref IsmEq eq, ref int cursor)
    {
        var events = new List<IsmEvent>();
        for (int guard = 0; cursor + 1 != (int)eq.Header.Idx && guard < 100; guard++)
        {
            if (++cursor > 14) cursor = 0;
            events.Add(eq.Entry[cursor]);
        }
        Assert.True(events.Count <= 15, "the consumer loop did not terminate");
        return events;
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevSignalIeq)]
    public void Signal_ieq_posts_a_swr_event_at_the_peer_and_interrupts_only_with_trigger_irq()
    {
        var bed = new IsmBed();
        Assert.Equal(IsmRet.Success, Drv.SignalIeq(bed.A, bed.B.Gid, eventCode: 0x0102, info: 0xABCDEF, triggerIrq: false));
        ref var eq = ref bed.EqOfB;
        Assert.Equal(1UL, eq.Header.Idx);
        Assert.Equal((uint)IsmEventType.Swr, eq.Entry[0].Type);
        Assert.Equal(0x0102u, eq.Entry[0].Code);
        Assert.Equal(bed.A.Gid, eq.Entry[0].Tok);
        Assert.Equal(0xABCDEFUL, eq.Entry[0].Info);
        Assert.NotEqual(0UL, eq.Entry[0].Time);
        Assert.True(bed.SbaOfB.Status.E);
        Assert.False(bed.SbaOfB.Status.S);
        Assert.Empty(bed.Interrupts);

        Assert.Equal(IsmRet.Success, Drv.SignalIeq(bed.A, bed.B.Gid, 7, 8, triggerIrq: true));
        Assert.Equal(new[] { bed.B }, bed.Interrupts);
        Assert.Equal(2UL, bed.EqOfB.Header.Idx);
        Assert.True(bed.EqOfB.Entry[1].Time > bed.EqOfB.Entry[0].Time);
        Assert.Equal(0UL, bed.EqOfA.Header.Idx);                 // nothing at the sender

        Assert.Equal(IsmDeviceCodes.UnknownGid, Drv.SignalIeq(bed.A, 0x1234, 1, 1));
        Assert.Equal(IsmRet.Success, Drv.SignalIeq(bed.A, bed.A.Gid, 1, 1));   // to itself
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmIeqLayoutIdx)]
    public void Header_idx_is_one_past_the_newest_entry_so_the_kernel_loop_reads_exactly_the_new_events()
    {
        var bed = new IsmBed();
        int cursor = -1;
        uint sent = 0, received = 0;
        // At most 14 unconsumed events: with 15 the newest lands where the cursor stands (see the overwrite test).
        var gen = Gen.ListOf(Gen.Choose(0, 14)).Select(l => l.ToArray());
        var prop = Prop.ForAll(gen.ToArbitrary(), bursts =>
        {
            foreach (var burst in bursts)
            {
                for (int i = 0; i < burst; i++)
                    if (Drv.SignalIeq(bed.A, bed.B.Gid, sent++, 0) != IsmRet.Success) return false;
                var events = Drain(ref bed.EqOfB, ref cursor);
                if (events.Count != burst) return false;
                foreach (var ev in events)
                    if (ev.Code != received++) return false;
                ulong idx = bed.EqOfB.Header.Idx;
                if (burst > 0 && (idx < 1 || idx > 15)) return false;
            }
            return true;
        });
        PropertyRunner.Check(prop, 100, "IEQ consumer");
        Assert.Equal(IsmEq.Size, 32 + 15 * IsmEvent.Size);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevIeqOverwrite)]
    public void Entries_wrap_after_15_and_unconsumed_ones_are_overwritten()
    {
        var bed = new IsmBed();
        for (uint i = 0; i < 20; i++) Assert.Equal(IsmRet.Success, Drv.SignalIeq(bed.A, bed.B.Gid, i, 0));
        ref var eq = ref bed.EqOfB;
        Assert.Equal(5UL, eq.Header.Idx);                          // newest (event 19) in entry 4
        for (int k = 0; k < 15; k++)
            Assert.Equal((uint)(k < 5 ? 15 + k : k), eq.Entry[k].Code);
        // The kernel's loop (cursor -1) therefore sees only n mod 15 = 5 events: the newest ones, 15..19.
        int cursor = -1;
        Assert.Equal(new uint[] { 15, 16, 17, 18, 19 }, Drain(ref eq, ref cursor).Select(e => e.Code));
        // Exactly 15 more unconsumed events look like none at all.
        for (uint i = 20; i < 35; i++) Drv.SignalIeq(bed.A, bed.B.Gid, i, 0);
        Assert.Empty(Drain(ref bed.EqOfB, ref cursor));
        // Everything else in the IEQ page is untouched.
        Assert.True(bed.B.HostMemory.Span(bed.IeqB + 512, 4096 - 512).IndexOfAnyExcept(IsmBed.Pattern) < 0);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevSignalIeq)]
    public void Reregistering_the_ieq_restarts_at_entry_zero()
    {
        var bed = new IsmBed();
        for (uint i = 0; i < 3; i++) Drv.SignalIeq(bed.A, bed.B.Gid, i, 0);
        Assert.Equal(IsmRet.Success, Drv.UnregIeq(bed.B));
        Assert.Equal(IsmRet.Success, Drv.RegIeq(bed.B, bed.IeqB));
        Assert.Equal(0UL, bed.EqOfB.Header.Idx);
        Drv.SignalIeq(bed.A, bed.B.Gid, 9, 0);
        Assert.Equal(1UL, bed.EqOfB.Header.Idx);
        Assert.Equal(9u, bed.EqOfB.Entry[0].Code);
    }
}
