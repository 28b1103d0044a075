using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.S390Ism.Tests;

/// <summary>REG_DMB and UNREG_DMB on the device side (ISM-DEV-REG-DMB, ISM-DEV-TOKEN-FORMAT, ISM-DEV-UNREG-DMB).</summary>
public class RegDmbTests
{
    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevRegDmb)]
    public void Bad_registrations_get_their_codes_in_the_documented_order_and_register_nothing()
    {
        var bed = new IsmBed();
        var f = bed.A;
        ulong dma = f.HostMemory.Allocate(2 << 20);
        var before = IsmBed.Snapshot(f);
        Assert.Equal(IsmDeviceCodes.BadIndex, Drv.RegDmb(f, dma, 0, 31, 0, out _));          // idx before len
        Assert.Equal(IsmDeviceCodes.BadIndex, Drv.RegDmb(f, dma, 4096, 0, 0, out _));
        Assert.Equal(IsmDeviceCodes.BadIndex, Drv.RegDmb(f, dma, 4096, 1920, 0, out _));
        Assert.Equal(IsmDeviceCodes.BadIndex, Drv.RegDmb(f, dma, 4096, uint.MaxValue, 0, out _));
        Assert.Equal(IsmDeviceCodes.BadLength, Drv.RegDmb(f, dma, 0, 32, 0, out _));
        Assert.Equal(IsmDeviceCodes.BadLength, Drv.RegDmb(f, dma, (1 << 20) + 1, 32, 0, out _));
        Assert.Equal(IsmDeviceCodes.BadAddress, Drv.RegDmb(f, dma + 512, 4096, 32, 0, out _));
        Assert.Equal(IsmDeviceCodes.BadAddress, Drv.RegDmb(f, 0x1000, 4096, 32, 0, out _));
        ulong lastPage = f.HostMemory.DmaBase + (ulong)f.HostMemory.Size - 4096;
        Assert.Equal(IsmDeviceCodes.BadAddress, Drv.RegDmb(f, lastPage, 8192, 32, 0, out _));  // runs past host memory
        Assert.Equal(0, f.DmbCount);
        Assert.Equal(0, bed.Fabric.DmbCount);
        Assert.Equal(before, IsmBed.Snapshot(f));

        Assert.Equal(IsmRet.Success, Drv.RegDmb(f, dma, 1 << 20, 1919, 0, out _));            // the limits themselves are fine
        Assert.Equal(IsmDeviceCodes.IndexInUse, Drv.RegDmb(f, dma + (1 << 20), 4096, 1919, 0, out _));
        Assert.Equal(IsmDeviceCodes.BadAddress, Drv.RegDmb(f, dma + 4096, 4096, 40, 0, out _)); // overlaps the first DMB
        Assert.Equal(1, f.DmbCount);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevRegDmb)]
    public void A_full_index_table_answers_table_full()
    {
        // DMBs are page aligned: 1888 of them need more than the bed's 4 MiB host.
        var f = new IsmFabric(7).CreateFunction(new IsmHostMemory(8 << 20));
        for (uint idx = 32; idx < 1920; idx++)
            Assert.Equal(IsmRet.Success, Drv.RegDmb(f, f.HostMemory.Allocate(64), 64, idx, 0, out _));
        Assert.Equal(1888, f.DmbCount);
        Assert.Equal(IsmDeviceCodes.IndexInUse, Drv.RegDmb(f, f.HostMemory.Allocate(64), 64, 32, 0, out _));

        var small = new IsmBed(maxDmbsA: 2);
        Assert.Equal(IsmRet.Success, Drv.RegDmb(small.A, small.A.HostMemory.Allocate(64), 64, 100, 0, out _));
        Assert.Equal(IsmRet.Success, Drv.RegDmb(small.A, small.A.HostMemory.Allocate(64), 64, 200, 0, out var token));
        Assert.Equal(IsmDeviceCodes.TableFull, Drv.RegDmb(small.A, small.A.HostMemory.Allocate(64), 64, 300, 0, out _));
        Assert.Equal(IsmRet.Success, Drv.UnregDmb(small.A, token));
        Assert.Equal(IsmRet.Success, Drv.RegDmb(small.A, small.A.HostMemory.Allocate(64), 64, 300, 0, out _));
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevTokenFormat)]
    public void Exhausted_fabric_tokens_answer_table_full()
    {
        var bed = new IsmBed(tokenLimit: 2);
        bed.DmbOnB(idx: 32);
        bed.DmbOnB(idx: 33);
        Assert.Equal(IsmDeviceCodes.TableFull, Drv.RegDmb(bed.B, bed.B.HostMemory.Allocate(4096), 4096, 34, 0, out _));
        Assert.Equal(2, bed.B.DmbCount);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevTokenFormat)]
    public void Tokens_are_fabric_unique_nonzero_low_32_bits_zero_and_never_reused()
    {
        var bed = new IsmBed();
        var seen = new HashSet<ulong>();
        var live = new List<(IsmFunction Owner, ulong Token, uint Idx)>();
        var buffers = new Dictionary<(IsmFunction, uint), ulong>();
        var gen = Gen.ListOf(Gen.Choose(0, 3));
        var prop = Prop.ForAll(gen.ToArbitrary(), ops =>
        {
            foreach (var op in ops)
            {
                if (op < 3 || live.Count == 0)
                {
                    var owner = op % 2 == 0 ? bed.A : bed.B;
                    uint idx = (uint)Enumerable.Range(32, 1888).First(i => !live.Any(l => l.Owner == owner && l.Idx == i));
                    if (Drv.RegDmb(owner, Buffer(owner, idx), 64, idx, 0, out var token) != IsmRet.Success) return false;
                    if (token == 0 || (token & 0xFFFF_FFFF) != 0 || !seen.Add(token)) return false;
                    live.Add((owner, token, idx));
                }
                else
                {
                    var (owner, token, _) = live[^1];
                    live.RemoveAt(live.Count - 1);
                    if (Drv.UnregDmb(owner, token) != IsmRet.Success) return false;
                }
            }
            return bed.Fabric.DmbCount == live.Count;
        });
        PropertyRunner.Check(prop, 60, "token format");

        ulong Buffer(IsmFunction owner, uint idx) =>
            buffers.TryGetValue((owner, idx), out var dma) ? dma : buffers[(owner, idx)] = owner.HostMemory.Allocate(64);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevUnregDmb)]
    public void Unregister_by_a_non_owner_or_twice_answers_unknown_token()
    {
        var bed = new IsmBed();
        var (token, _) = bed.DmbOnB();
        Assert.Equal(IsmDeviceCodes.UnknownToken, Drv.UnregDmb(bed.A, token));   // A uses it but does not own it
        Assert.Equal(IsmDeviceCodes.UnknownToken, Drv.UnregDmb(bed.B, token | 1));
        Assert.Equal(IsmRet.Success, Drv.UnregDmb(bed.B, token));
        Assert.Equal(IsmDeviceCodes.UnknownToken, Drv.UnregDmb(bed.B, token));
        Assert.Equal(0, bed.B.DmbCount);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevUnregDmb)]
    public void Unregister_while_the_peer_writes_stops_its_stores_and_tells_it_by_an_ieq_event()
    {
        var bed = new IsmBed();
        var (token, dma) = bed.DmbOnB();
        Assert.Equal(IsmRet.Success, Drv.Move(bed.A, token, 0, sf: true, 0, new byte[100]));
        bed.Interrupts.Clear();
        Assert.Equal(IsmRet.Success, Drv.UnregDmb(bed.B, token));

        var beforeB = IsmBed.Snapshot(bed.B);
        Assert.Equal(IsmDeviceCodes.UnknownToken, bed.A.StoreBlock(Drv.Word(token, 0, true, 0), new byte[] { 1 }));
        Assert.Equal(beforeB, IsmBed.Snapshot(bed.B));
        Assert.Equal(IsmRet.Success, Drv.RegDmb(bed.B, dma, 16384, 32, bed.A.Gid, out var reused));
        Assert.NotEqual(token, reused);                                // a stale token never reaches the new DMB
        Assert.Equal(IsmDeviceCodes.UnknownToken, bed.A.StoreBlock(Drv.Word(token, 0, true, 0), new byte[] { 1 }));

        ref var eq = ref bed.EqOfA;
        Assert.Equal(1UL, eq.Header.Idx);
        Assert.Equal((uint)IsmEventType.Buf, eq.Entry[0].Type);
        Assert.Equal((uint)IsmEventCode.BufDmbUnregistered, eq.Entry[0].Code);
        Assert.Equal(token, eq.Entry[0].Tok);
        Assert.True(bed.SbaOfA.Status.E);
        Assert.Equal(new[] { bed.A }, bed.Interrupts);
    }
}
