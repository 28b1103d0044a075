using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.S390Ism.Tests;

/// <summary>
/// Store blocks into a DMB (research §4.9; ISM-DEV-MOVE-CHECKS): accepted stores change exactly their bytes,
/// refused stores change nothing, and nothing outside a DMB is ever written.
/// </summary>
public class MoveDataTests
{
    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevMoveChecks)]
    public void Kernel_chunking_of_a_large_write_is_accepted_and_lands_at_the_offset()
    {
        var bed = new IsmBed();
        var (token, dma) = bed.DmbOnB(len: 16384);
        var data = Enumerable.Range(0, 10000).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(IsmRet.Success, Drv.Move(bed.A, token, 0, sf: false, offset: 100, data));  // (100,3996) (4096,4096) (8192,1908)
        Assert.Equal(data, bed.B.HostMemory.Span(dma + 100, 10000).ToArray());
        Assert.Empty(bed.Interrupts);
    }

    [Theory]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevMoveChecks)]
    [InlineData(0u, 0, "BadLength")]             // empty store
    [InlineData(0u, 4097, "BadLength")]          // longer than 4 KiB
    [InlineData(1u, 4096, "CrossesBoundary")]    // 4 KiB but not aligned
    [InlineData(4000u, 200, "CrossesBoundary")]  // crosses 4096
    [InlineData(15990u, 16, "OutOfBounds")]      // past dmb_len (16000), no 4 KiB crossing
    [InlineData(16000u, 1, "OutOfBounds")]
    [InlineData(16380u, 8, "CrossesBoundary")]   // both: the crossing check comes first
    [InlineData(0x7FF000u, 16, "OutOfBounds")]   // the largest 23-bit offsets
    public void Faulty_stores_get_their_code_write_nothing_and_signal_nothing(uint offset, int length, string expected)
    {
        var bed = new IsmBed();
        var (token, _) = bed.DmbOnB(len: 16000);
        var beforeA = IsmBed.Snapshot(bed.A);
        var beforeB = IsmBed.Snapshot(bed.B);
        var code = bed.A.StoreBlock(Drv.Word(token, 0, sf: true, offset), new byte[length]);
        Assert.Equal(typeof(IsmDeviceCodes).GetField(expected)!.GetValue(null), code);
        Assert.Equal(beforeA, IsmBed.Snapshot(bed.A));
        Assert.Equal(beforeB, IsmBed.Snapshot(bed.B));
        Assert.Empty(bed.Interrupts);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevMoveChecks)]
    public void Unknown_tokens_and_writers_other_than_rgid_are_refused()
    {
        var bed = new IsmBed();
        var (token, _) = bed.DmbOnB();
        var third = bed.Fabric.CreateFunction(IsmBed.NewHost());
        var before = IsmBed.Snapshot(bed.B);
        Assert.Equal(IsmDeviceCodes.UnknownToken, bed.A.StoreBlock(Drv.Word(token + (1UL << 32), 0, true, 0), new byte[8]));
        Assert.Equal(IsmDeviceCodes.UnknownToken, bed.A.StoreBlock(Drv.Word(0, 0, true, 0), new byte[8]));
        Assert.Equal(IsmDeviceCodes.AccessDenied, third.StoreBlock(Drv.Word(token, 0, true, 0), new byte[8]));
        var otherFabric = new IsmFabric(0x0123).CreateFunction(IsmBed.NewHost(), bed.A.Gid);  // same GID, other fabric
        Assert.Equal(IsmDeviceCodes.UnknownToken, otherFabric.StoreBlock(Drv.Word(token, 0, true, 0), new byte[8]));
        Assert.Equal(before, IsmBed.Snapshot(bed.B));

        var (open, dma) = bed.DmbOnB(idx: 50, rgid: 0);                                      // rgid 0: any writer of the fabric
        Assert.Equal(IsmRet.Success, third.StoreBlock(Drv.Word(open, 0, false, 8), new byte[] { 0x42 }));
        Assert.Equal(0x42, bed.B.HostMemory.Span(dma + 8, 1)[0]);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevMoveChecks)]
    public void Random_stores_change_exactly_their_bytes_or_nothing_and_never_memory_outside_the_dmb()
    {
        var bed = new IsmBed(hostSize: 64 << 10);
        var (token, dma) = bed.DmbOnB(len: 12000);
        int dmbStart = (int)(dma - bed.B.HostMemory.DmaBase);
        var gen =
            from tokenChoice in Gen.Frequency((6, Gen.Constant(token)), (1, Gen.Choose(0, 5).Select(t => (ulong)t << 32)))
            from offset in Gen.Frequency((5, Gen.Choose(0, 12100)), (1, Gen.Choose(0, (1 << 23) - 1)))
            from length in Gen.Frequency((5, Gen.Choose(1, 4096)), (1, Gen.Choose(0, 5000)))
            from sf in ArbMap.Default.GeneratorFor<bool>()
            from idx in Gen.Choose(0, 255)
            from fill in ArbMap.Default.GeneratorFor<byte>()
            select (tokenChoice, (uint)offset, length, sf, (byte)idx, fill);
        var prop = Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (tok, offset, length, sf, idx, fill) = t;
            var data = Enumerable.Repeat((byte)(fill | 1), length).ToArray();
            var before = IsmBed.Snapshot(bed.B);
            var code = bed.A.StoreBlock(Drv.Word(tok, idx, sf, offset), data);
            var after = IsmBed.Snapshot(bed.B);
            bool valid = tok == token && length is > 0 and <= 4096 && offset % 4096 + length <= 4096 && offset + length <= 12000;
            if (valid != (code == IsmRet.Success)) return false;
            for (int i = 0; i < after.Length; i++)
            {
                bool inStore = valid && i >= dmbStart + offset && i < dmbStart + offset + length;
                bool inSba = i >= (int)(bed.SbaB - bed.B.HostMemory.DmaBase) && i < (int)(bed.SbaB - bed.B.HostMemory.DmaBase) + IsmSba.Size;
                if (inStore ? after[i] != data[0] : after[i] != before[i] && !(valid && sf && inSba)) return false;
            }
            return true;
        });
        PropertyRunner.Check(prop, 200, "random store blocks");
    }
}
