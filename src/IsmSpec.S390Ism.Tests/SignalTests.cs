using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.S390Ism.Tests;

/// <summary>Signalled stores: SBA DMB bit, dmbe_mask, summary bit, interrupt (rule 61, ISM-DEV-DMBE-MASK, ISM-DEV-IRQ).</summary>
public class SignalTests
{
    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmSignalSbaUpdate)]
    public void A_signalled_write_sets_bit_mask_and_summary_then_raises_the_interrupt_once_data_is_stored()
    {
        var bed = new IsmBed();
        var (token, dma) = bed.DmbOnB(len: 8192, idx: 1000);
        byte seenAtInterrupt = 0;
        bool bitAtInterrupt = false;
        bed.B.Interrupt += f =>
        {
            seenAtInterrupt = f.HostMemory.Span(dma + 8191, 1)[0];
            bitAtInterrupt = (IsmBed.Sba(f, bed.SbaB).DmbBits[1000 / 8] & (0x80 >> (1000 % 8))) != 0;
        };
        var data = Enumerable.Repeat((byte)0x5A, 8192).ToArray();
        Assert.Equal(IsmRet.Success, Drv.Move(bed.A, token, idx: 0, sf: true, offset: 0, data));   // two chunks, sf on the last
        Assert.Equal(new[] { bed.B }, bed.Interrupts);
        Assert.Equal(0x5A, seenAtInterrupt);
        Assert.True(bitAtInterrupt);

        var sba = bed.SbaOfB;   // a copy of the page
        Assert.True(sba.Status.S);
        Assert.False(sba.Status.E);
        Assert.Equal(0x1000, sba.GetDmbeMask(1000));
        Assert.Equal(1, sba.DmbBits.ToArray().Sum(b => System.Numerics.BitOperations.PopCount(b)));
        Assert.Equal(1, Enumerable.Range(0, 1920).Count(i => sba.GetDmbeMask(i) != 0));
        Assert.DoesNotContain(bed.A, bed.Interrupts);
        Assert.False(bed.SbaOfA.Status.S);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevDmbeMask)]
    public void The_mask_bit_for_idx_is_msb_first_bit_3_plus_idx_mod_16()
    {
        var bed = new IsmBed();
        var (token, _) = bed.DmbOnB(idx: 77);
        for (int idx = 0; idx < 256; idx++)
        {
            bed.SbaOfB.SetDmbeMask(77, 0);
            Assert.Equal(IsmRet.Success, bed.A.StoreBlock(Drv.Word(token, (byte)idx, true, 0), new byte[1]));
            int bit = (3 + idx) % 16;                                   // MSB-first numbering
            Assert.Equal((ushort)(0x8000 >> bit), bed.SbaOfB.GetDmbeMask(77));
        }
        Assert.Equal(0x1000, Rotr(0x1000, 0));
        Assert.Equal(0x8000, Rotr(0x1000, 13));                         // agrees with the loopback's rotate_right_16
        static int Rotr(int v, int r) => ((v >> r) | (v << (16 - r))) & 0xFFFF;
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmSignalSbaUpdate)]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevIrq)]
    public void Masks_accumulate_until_the_driver_consumes_them_and_every_signal_raises_an_interrupt()
    {
        var bed = new IsmBed();
        var (token, _) = bed.DmbOnB(idx: 32);
        var gen = Gen.ListOf(Gen.Choose(0, 15)).Select(l => l.ToArray());
        var prop = Prop.ForAll(gen.ToArbitrary(), idxs =>
        {
            bed.Interrupts.Clear();
            IsmSba.View(bed.B.HostMemory.Span(bed.SbaB, IsmSba.Size)).DmbBits.Clear();
            bed.SbaOfB.SetDmbeMask(32, 0);
            bed.SbaOfB.Status.S = false;
            ushort expected = 0;
            foreach (var idx in idxs)
            {
                if (bed.A.StoreBlock(Drv.Word(token, (byte)idx, true, 0), new byte[1]) != IsmRet.Success) return false;
                expected |= (ushort)(0x8000 >> ((3 + idx) % 16));
            }
            ref var sba = ref bed.SbaOfB;
            return bed.Interrupts.Count == idxs.Length
                && sba.GetDmbeMask(32) == expected
                && sba.Status.S == idxs.Length > 0
                && ((sba.DmbBits[4] & 0x80) != 0) == idxs.Length > 0;
        });
        PropertyRunner.Check(prop, 100, "accumulated masks");
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevIrq)]
    public void Unsignalled_stores_and_stores_to_a_function_without_sba_raise_nothing()
    {
        var bed = new IsmBed();
        var (token, _) = bed.DmbOnB();
        Assert.Equal(IsmRet.Success, bed.A.StoreBlock(Drv.Word(token, 0, false, 0), new byte[64]));
        Assert.Empty(bed.Interrupts);
        Assert.False(bed.SbaOfB.Status.S);

        var fresh = new IsmBed(register: false);
        ulong dma = fresh.B.HostMemory.Allocate(4096);
        Assert.Equal(IsmRet.Success, Drv.RegDmb(fresh.B, dma, 4096, 32, fresh.A.Gid, out var t));
        Assert.Equal(IsmRet.Success, fresh.A.StoreBlock(Drv.Word(t, 0, true, 0), new byte[] { 3 }));
        Assert.Equal(3, fresh.B.HostMemory.Span(dma, 1)[0]);
        Assert.Empty(fresh.Interrupts);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevIrq)]
    public void An_interrupt_handler_may_issue_commands_and_stores()
    {
        var bed = new IsmBed();
        var (token, _) = bed.DmbOnB();
        ulong back = bed.A.HostMemory.Allocate(4096);
        Assert.Equal(IsmRet.Success, Drv.RegDmb(bed.A, back, 4096, 32, bed.B.Gid, out var backToken));
        IsmRet inner = IsmDeviceCodes.IsmError;
        bed.B.Interrupt += f =>
        {
            if (Drv.QueryRgid(f, bed.A.Gid) == IsmRet.Success) inner = f.StoreBlock(Drv.Word(backToken, 0, true, 0), new byte[] { 1 });
        };
        Assert.Equal(IsmRet.Success, bed.A.StoreBlock(Drv.Word(token, 0, true, 0), new byte[] { 1 }));
        Assert.Equal(IsmRet.Success, inner);
        Assert.Equal(new[] { bed.B, bed.A }, bed.Interrupts);
    }
}
