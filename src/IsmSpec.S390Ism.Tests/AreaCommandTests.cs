namespace IsmSpec.S390Ism.Tests;

/// <summary>REG_SBA, REG_IEQ, UNREG_SBA, UNREG_IEQ (research §4.5, §4.7, §4.10).</summary>
public class AreaCommandTests
{
    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevRegAreas)]
    public void Registration_zeroes_the_sba_and_initialises_the_ieq_header()
    {
        var bed = new IsmBed(register: false);
        var (sba, ieq) = IsmBed.Init(bed.A);
        Assert.True(bed.A.HostMemory.Span(sba, IsmSba.Size).IndexOfAnyExcept((byte)0) < 0);
        ref var eq = ref IsmBed.Eq(bed.A, ieq);
        Assert.Equal(0UL, eq.Header.Idx);
        Assert.Equal(512UL, eq.Header.IeqLen);
        Assert.Equal(32UL, eq.Header.EntryLen);
        Assert.True(bed.A.HostMemory.Span(ieq + 32, 480).IndexOfAnyExcept((byte)0) < 0);
        // The page the driver allocates for the IEQ is 4 KiB; the device touches only its 512 bytes.
        Assert.True(bed.A.HostMemory.Span(ieq + 512, 4096 - 512).IndexOfAnyExcept(IsmBed.Pattern) < 0);
        Assert.Equal(sba, bed.A.SbaAddress);
        Assert.Equal(ieq, bed.A.IeqAddress);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevRegAreas)]
    public void Bad_area_registrations_are_refused_and_touch_nothing()
    {
        var bed = new IsmBed(register: false);
        var f = bed.A;
        var before = IsmBed.Snapshot(f);
        ulong page = f.HostMemory.Allocate(8192);
        ulong beyond = f.HostMemory.DmaBase + (ulong)f.HostMemory.Size;
        Assert.Equal(IsmDeviceCodes.BadAddress, Drv.RegSba(f, page + 8));                 // not page aligned
        Assert.Equal(IsmDeviceCodes.BadAddress, Drv.RegSba(f, beyond));                   // not host memory
        Assert.Equal(IsmDeviceCodes.BadAddress, Drv.RegSba(f, 0));
        Assert.Equal(IsmDeviceCodes.BadLength, Drv.RegIeq(f, page, 4096));
        Assert.Equal(IsmDeviceCodes.BadLength, Drv.RegIeq(f, page, 0));
        Assert.Equal(before, IsmBed.Snapshot(f));
        Assert.Null(f.SbaAddress);
        Assert.Null(f.IeqAddress);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevRegAreas)]
    public void Areas_may_not_be_registered_twice_or_overlap()
    {
        var bed = new IsmBed();
        Assert.Equal(IsmDeviceCodes.BadState, Drv.RegSba(bed.A, bed.A.HostMemory.Allocate(4096)));
        Assert.Equal(IsmDeviceCodes.BadState, Drv.RegIeq(bed.A, bed.A.HostMemory.Allocate(4096)));
        Assert.Equal(IsmRet.Success, Drv.UnregIeq(bed.A));
        Assert.Equal(IsmDeviceCodes.BadAddress, Drv.RegIeq(bed.A, bed.SbaA));                     // over the SBA
        Assert.Equal(IsmDeviceCodes.BadAddress, Drv.RegDmb(bed.A, bed.SbaA, 4096, 32, 0, out _));  // DMB over the SBA
        Assert.Equal(IsmRet.Success, Drv.RegIeq(bed.A, bed.IeqA));
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevUnregAreas)]
    public void Unregistered_areas_are_never_written_again_and_no_interrupt_follows()
    {
        var bed = new IsmBed();
        var (token, dma) = bed.DmbOnB();
        Assert.Equal(IsmRet.Success, Drv.UnregIeq(bed.B));
        Assert.Equal(IsmRet.Success, Drv.UnregSba(bed.B));
        Assert.Equal(IsmDeviceCodes.BadState, Drv.UnregIeq(bed.B));
        Assert.Equal(IsmDeviceCodes.BadState, Drv.UnregSba(bed.B));
        bed.B.HostMemory.Span(bed.SbaB, 4096).Fill(IsmBed.Pattern);
        bed.B.HostMemory.Span(bed.IeqB, 512).Fill(IsmBed.Pattern);
        var before = IsmBed.Snapshot(bed.B);

        Assert.Equal(IsmRet.Success, bed.A.StoreBlock(Drv.Word(token, 0, sf: true, offset: 0), new byte[] { 9 }));
        Assert.Equal(IsmDeviceCodes.NotReady, Drv.SignalIeq(bed.A, bed.B.Gid, 1, 2));
        var after = IsmBed.Snapshot(bed.B);
        int changed = Enumerable.Range(0, after.Length).Single(i => after[i] != before[i]);
        Assert.Equal((int)(dma - bed.B.HostMemory.DmaBase), changed);   // only the DMB byte the store wrote
        Assert.Empty(bed.Interrupts);
        Assert.Equal(0, bed.B.InterruptCount);
    }
}
