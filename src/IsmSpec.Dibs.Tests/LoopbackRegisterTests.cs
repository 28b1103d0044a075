using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.Dibs.Tests;

/// <summary>dibs_lo_register_dmb (research §3.2, rules 14, 17–19, 26–30).</summary>
public class LoopbackRegisterTests
{
    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsDevMaxDmbsConst)]
    public void Max_dmbs_is_5000_and_sizes_the_client_table()
    {
        var bed = new LoopbackBed();
        Assert.Equal(DibsSpec.DibsLoMaxDmbs, bed.Lo.MaxDmbs());
        Assert.Equal(5000, bed.Dev.ClientTableLength);
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevRegisterResult)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoDmaAddrAllOnes)]
    public void Register_fills_token_address_dma_and_index_and_records_the_owner()
    {
        var bed = new LoopbackBed();
        var other = new RecordingClient("other", bed.Log);
        Assert.True(bed.Layer.RegisterClient(other.Client).IsOk);
        var dmb = new DibsDmb { DmbLen = 1000, VlanValid = 0 };
        new byte[16] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }.CopyTo(dmb.Rgid);

        Assert.Equal(0, bed.Lo.RegisterDmb(bed.Dev, ref dmb, other.Client));

        Assert.NotEqual(0UL, dmb.CpuAddr);
        Assert.Equal(DibsSpec.DibsDmaAddrInvalid, dmb.DmaAddr);
        Assert.Equal(0u, dmb.Idx);
        Assert.Equal(1000u, dmb.DmbLen);
        Assert.Equal(other.Client.Id, bed.Dev.DmbOwner(dmb.Idx));
        Assert.Equal(1000, bed.Memory(dmb.DmbTok).Length);
        Assert.Equal(1, bed.Lo.DmbCount);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(1000u)]
    [InlineData(65536u)]
    [InlineData(1u << 20)]
    public unsafe void Default_buffers_start_on_a_page_boundary_and_cpu_addr_is_their_first_byte(uint len)
    {
        // Page alignment keeps copies into a DMB free of 4K aliasing (bench/README.md, data path).
        var bed = new LoopbackBed();
        var dmb = bed.Register(len);
        Assert.Equal(0UL, dmb.CpuAddr % 4096);
        var memory = bed.Memory(dmb.DmbTok);
        Assert.Equal((int)len, memory.Length);
        fixed (byte* first = memory.Span)
            Assert.Equal(dmb.CpuAddr, (ulong)first);
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 0, false, len - 1, [0x5A]));
        Assert.Equal(0x5A, memory.Span[(int)len - 1]);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsDevRegisterZero)]
    public void Buffers_are_zeroed_even_when_the_index_and_memory_were_used_before()
    {
        var reused = new List<byte[]>();
        var bed = new LoopbackBed(new DibsLoopbackOptions
        {
            // A dirty allocator: the loopback must zero what it gets.
            Allocator = len => { var b = new byte[len]; Array.Fill(b, (byte)0xEE); reused.Add(b); return b; },
        });
        var first = bed.Register(256);
        Assert.All(bed.Bytes(first.DmbTok), b => Assert.Equal(0, b));
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, first.DmbTok, 0, false, 0, Enumerable.Repeat((byte)0x55, 256).ToArray()));
        Assert.Equal(0, bed.Unregister(first));

        var second = bed.Register(256);
        Assert.Equal(first.Idx, second.Idx);
        Assert.All(bed.Bytes(second.DmbTok), b => Assert.Equal(0, b));
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevUniqueIdxToken)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoLowestIndex)]
    public void Random_register_unregister_sequences_keep_indices_lowest_and_unique_and_tokens_unique()
    {
        // Each operation: true = register, false = unregister the DMB at position (n mod live count).
        var property = Prop.ForAll(
            Gen.Choose(0, 80).SelectMany(n => Gen.ArrayOf(
                Gen.Zip(Gen.Frequency((3, Gen.Constant(true)), (2, Gen.Constant(false))), Gen.Choose(0, 1000)), n)).ToArbitrary(),
            ops =>
            {
                var bed = new LoopbackBed();
                var live = new List<DibsDmb>();
                foreach (var (register, pick) in ops)
                {
                    if (register || live.Count == 0)
                    {
                        var expected = Enumerable.Range(0, 5000).First(i => live.All(d => d.Idx != i));
                        var dmb = bed.Register(64);
                        if (dmb.Idx != expected)
                            return false;
                        live.Add(dmb);
                    }
                    else
                    {
                        var victim = live[pick % live.Count];
                        live.Remove(victim);
                        if (bed.Unregister(victim) != 0)
                            return false;
                    }
                    if (live.Select(d => d.Idx).Distinct().Count() != live.Count ||
                        live.Select(d => d.DmbTok).Distinct().Count() != live.Count)
                        return false;
                }
                return bed.Lo.DmbCount == live.Count;
            });
        PropertyRunner.Check(property, 200, "loopback index/token uniqueness");
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoLowestIndex)]
    public void A_full_table_gives_ENOSPC_and_a_freed_index_is_handed_out_again()
    {
        var bed = new LoopbackBed();
        var dmbs = Enumerable.Range(0, DibsSpec.DibsLoMaxDmbs).Select(_ => bed.Register(1)).ToArray();
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => (uint)i), dmbs.Select(d => d.Idx));

        var extra = new DibsDmb { DmbLen = 1 };
        Assert.Equal(-Errno.ENOSPC, bed.Lo.RegisterDmb(bed.Dev, ref extra, bed.Owner.Client));
        Assert.Equal(5000, bed.Lo.DmbCount);

        Assert.Equal(0, bed.Unregister(dmbs[1234]));
        Assert.Equal(1234u, bed.Register(1).Idx);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoRegisterEnomem)]
    public void A_failed_allocation_is_ENOMEM_and_keeps_no_index()
    {
        var fail = false;
        var bed = new LoopbackBed(new DibsLoopbackOptions { Allocator = len => fail ? null : new byte[len] });
        bed.Register(8);
        fail = true;
        var dmb = new DibsDmb { DmbLen = 8 };
        Assert.Equal(-Errno.ENOMEM, bed.Lo.RegisterDmb(bed.Dev, ref dmb, bed.Owner.Client));
        Assert.Equal(0xff, bed.Dev.DmbOwner(1));
        Assert.Equal(1, bed.Lo.DmbCount);
        fail = false;
        Assert.Equal(1u, bed.Register(8).Idx);
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoRegisterLenZero)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoRegisterEnomem)]
    public void Zero_length_is_ENOMEM_and_keeps_no_index()
    {
        var bed = new LoopbackBed();
        var dmb = new DibsDmb { DmbLen = 0 };
        Assert.Equal(-Errno.ENOMEM, bed.Lo.RegisterDmb(bed.Dev, ref dmb, bed.Owner.Client));
        Assert.Equal(0, bed.Lo.DmbCount);
        Assert.Equal(0u, bed.Register(1).Idx);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoLenUnbounded)]
    public void Lengths_are_not_capped_and_reported_exactly()
    {
        var bed = new LoopbackBed();
        foreach (var len in new uint[] { 1, 4095, 4097, 1 << 20, (1 << 24) + 3 })
        {
            var dmb = bed.Register(len);
            Assert.Equal(len, dmb.DmbLen);
            Assert.Equal((int)len, bed.Memory(dmb.DmbTok).Length);
            Assert.Equal(0, bed.Unregister(dmb));
        }
        // Beyond what the allocator can give (an array's limit) it is -ENOMEM, as an allocation failure.
        var huge = new DibsDmb { DmbLen = uint.MaxValue };
        Assert.Equal(-Errno.ENOMEM, bed.Lo.RegisterDmb(bed.Dev, ref huge, bed.Owner.Client));
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoTokenRandomUnique)]
    public void Tokens_are_redrawn_until_unique()
    {
        var draws = new Queue<ulong>([42, 42, 42, 7, 42, 7, 9]);
        var bed = new LoopbackBed(new DibsLoopbackOptions { TokenSource = () => draws.Dequeue() });
        Assert.Equal(42UL, bed.Register(8).DmbTok);
        Assert.Equal(7UL, bed.Register(8).DmbTok);
        Assert.Equal(9UL, bed.Register(8).DmbTok);
        Assert.Empty(draws);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoTokenRandomUnique)]
    public void Default_tokens_look_random()
    {
        var bed = new LoopbackBed();
        var tokens = Enumerable.Range(0, 64).Select(_ => bed.Register(1).DmbTok).ToArray();
        Assert.Equal(64, tokens.Distinct().Count());
        // 64 random words: every bit position is set somewhere and clear somewhere.
        var or = tokens.Aggregate(0UL, (a, t) => a | t);
        var and = tokens.Aggregate(ulong.MaxValue, (a, t) => a & t);
        Assert.Equal((ulong.MaxValue, 0UL), (or, and));
    }
}
