using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.IsmDriver.Tests;

/// <summary>move_data framing (research §4.9; rules 56–60), observed at the store blocks the driver issues.</summary>
public class MoveDataTests
{
    internal static ushort Mask(uint idx) => (ushort)((0x1000 >> (int)(idx % 16)) | (0x1000 << (16 - (int)(idx % 16))));

    private static byte[] Data(int size, int seed = 1) => Enumerable.Range(seed, size).Select(i => (byte)(i * 7 + 3)).ToArray();

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmMoveAddrWord)]
    public void The_address_word_is_token_or_idx_shl_24_or_sf_shl_23_or_offset()
    {
        var pair = new IsmPair();
        var dmb = pair.DmbOnB(16384);
        Assert.Equal(0UL, dmb.DmbTok & 0xFFFF_FFFF);
        var a = pair.A;
        a.Pci.Clear();
        Assert.Equal(0, a.Driver.MoveData(a.Dev, dmb.DmbTok, 5, true, 100, Data(10000)));
        ulong W(ulong sf, ulong offset) => dmb.DmbTok | 5UL << 24 | sf << 23 | offset;
        Assert.Equal([W(0, 100), W(0, 4096), W(1, 8192)], a.Pci.Blocks.Select(o => o.Word));
        Assert.Equal(W(1, 8192), IsmDibsDriver.DmbRequestWord(dmb.DmbTok, 5, true, 8192));

        // Fixes: values that would spill into neighbouring fields of the word are refused, nothing is stored.
        a.Pci.Clear();
        Assert.Equal(-Errno.EINVAL, a.Driver.MoveData(a.Dev, dmb.DmbTok | 1, 0, false, 0, [1]));
        Assert.Equal(-Errno.EINVAL, a.Driver.MoveData(a.Dev, dmb.DmbTok, 256, false, 0, [1]));
        Assert.Equal(-Errno.EINVAL, a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, false, (8 << 20) - 1, [1, 2]));
        Assert.Empty(a.Pci.Blocks);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmMoveChunk4K)]
    public void Chunks_never_cross_a_4K_boundary_of_the_target_offset_and_cover_the_data_in_order()
    {
        var pair = new IsmPair();
        var dmb = pair.DmbOnB(1 << 20);
        var a = pair.A;
        var cases = Gen.Zip(Gen.Choose(0, 1 << 20), Gen.Choose(0, 70000));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            int offset = c.Item1, size = Math.Min(c.Item2, (1 << 20) - c.Item1);
            a.Pci.Clear();
            var data = Data(size, offset);
            if (a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, false, (uint)offset, data) != 0) return false;
            var blocks = a.Pci.Blocks;
            int at = offset;
            foreach (var block in blocks)
            {
                var word = IsmDmbReq.FromValue(block.Word);
                if (word.Offset != at || block.Data.Length is 0 or > 4096) return false;
                if (at % 4096 + block.Data.Length > 4096) return false;
                if (!block.Data.AsSpan().SequenceEqual(data.AsSpan(at - offset, block.Data.Length))) return false;
                at += block.Data.Length;
            }
            return at == offset + size && pair.B.Memory(dmb.DmbTok).Slice(offset, size).SequenceEqual(data);
        });
        PropertyRunner.Check(property, 200, "move_data chunking");
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmMoveChunk4K)]
    public void Research_example_and_the_first_failing_chunk_ends_the_call()
    {
        var pair = new IsmPair();
        var dmb = pair.DmbOnB(16384);
        var a = pair.A;
        a.Pci.Clear();
        Assert.Equal(0, a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, true, 100, Data(10000)));
        Assert.Equal([(100u, 3996), (4096u, 4096), (8192u, 1908)],
            a.Pci.Blocks.Select(o => (IsmDmbReq.FromValue(o.Word).Offset, o.Data.Length)));

        a.Pci.Clear();
        a.Pci.FailStore = n => n == 4 ? IsmDeviceCodes.OutOfBounds : null; // the 2nd block of this call
        Assert.Equal(-Errno.EIO, a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, true, 0, Data(12288, 9)));
        Assert.Equal(2, a.Pci.Blocks.Count);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmMoveSfLast)]
    public void Sf_rides_only_on_the_last_chunk_so_the_receiver_is_signalled_once_after_every_byte_landed()
    {
        var pair = new IsmPair();
        var (a, b) = (pair.A, pair.B);
        var dmb = pair.DmbOnB(65536);
        var data = Data(30000);
        bool completeAtSignal = false;
        b.Client.OnIrq = (_, _, _) => completeAtSignal = b.Memory(dmb.DmbTok).Slice(1000, data.Length).SequenceEqual(data);
        a.Pci.Clear();
        Assert.Equal(0, a.Driver.MoveData(a.Dev, dmb.DmbTok, 2, true, 1000, data));
        var sf = a.Pci.Blocks.Select(o => IsmDmbReq.FromValue(o.Word).Sf).ToArray();
        Assert.Equal(8, sf.Length);
        Assert.Equal(Enumerable.Repeat(false, 7).Append(true), sf);
        Assert.Equal([(dmb.Idx, Mask(2))], b.Client.Irqs);
        Assert.True(completeAtSignal);

        a.Pci.Clear();
        Assert.Equal(0, a.Driver.MoveData(a.Dev, dmb.DmbTok, 2, false, 0, data));
        Assert.DoesNotContain(a.Pci.Blocks, o => IsmDmbReq.FromValue(o.Word).Sf);
        Assert.Single(b.Client.Irqs);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmMoveZeroSize)]
    public void A_zero_size_move_stores_nothing_and_signals_nothing_even_with_sf()
    {
        var pair = new IsmPair();
        var (a, b) = (pair.A, pair.B);
        var dmb = pair.DmbOnB(4096);
        a.Pci.Clear();
        long interrupts = b.Function.InterruptCount;
        Assert.Equal(0, a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, true, 0, []));
        Assert.Equal(0, a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, true, 4096, []));
        Assert.Empty(a.Pci.Blocks);
        Assert.Empty(b.Client.Irqs);
        Assert.Equal(interrupts, b.Function.InterruptCount);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmMoveStoreEio)]
    public void A_refused_store_is_EIO_earlier_chunks_stay_and_nothing_is_signalled()
    {
        var pair = new IsmPair();
        var (a, b) = (pair.A, pair.B);
        var dmb = pair.DmbOnB(16384);
        Assert.Equal(-Errno.EIO, a.Driver.MoveData(a.Dev, 0x4242UL << 32, 0, true, 0, [1, 2, 3])); // unknown token
        Assert.Equal(-Errno.EIO, a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, true, 16000, Data(1000))); // runs past dmb_len
        var memory = b.Memory(dmb.DmbTok).ToArray();
        Assert.Equal(Data(384), memory[16000..]);            // the first chunk (16000..16383) landed
        Assert.All(memory[..16000], x => Assert.Equal(0, x));
        Assert.Empty(b.Client.Irqs);

        // B registered the DMB for A only: a third function's store is refused by the device → -EIO.
        var c = IsmSide.Create(pair.Fabric);
        Assert.Equal(-Errno.EIO, c.Driver.MoveData(c.Dev, dmb.DmbTok, 0, false, 0, [9]));
        Assert.Equal(0, b.Memory(dmb.DmbTok)[0]);
    }
}
