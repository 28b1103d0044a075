using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.Dibs.Tests;

/// <summary>dibs_lo_move_data and signalling (research §3.2, rules 20–23, 38, 39).</summary>
public class LoopbackMoveDataTests
{
    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsDevMoveSync)]
    public void Data_is_in_the_dmb_when_move_data_returns_and_the_source_can_be_reused()
    {
        var bed = new LoopbackBed();
        var dmb = bed.Register(64);
        var source = new byte[] { 1, 2, 3, 4, 5 };
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 0, false, 10, source));
        Array.Clear(source);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, bed.Bytes(dmb.DmbTok)[10..15]);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoMoveNoChecks)]
    public void Move_data_copies_whatever_the_rgid_and_whether_or_not_sf_is_set()
    {
        var bed = new LoopbackBed();
        var dmb = new DibsDmb { DmbLen = 32 };
        Enumerable.Repeat((byte)0x77, 16).ToArray().CopyTo(dmb.Rgid); // a GID that is not the loopback's
        Assert.Equal(0, bed.Lo.RegisterDmb(bed.Dev, ref dmb, bed.Owner.Client));

        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 0, false, 0, [9, 9]));
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 0, true, 30, [8, 8]));
        var bytes = bed.Bytes(dmb.DmbTok);
        Assert.Equal((9, 9, 8, 8), (bytes[0], bytes[1], bytes[30], bytes[31]));
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoSignalMask)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevIrqIdx)]
    public void Signalled_writes_call_handle_irq_synchronously_with_the_dmb_index_and_rotated_mask()
    {
        var bed = new LoopbackBed();
        bed.Register(16);
        bed.Register(16);
        var dmb = bed.Register(16);
        var inside = false;
        bed.Owner.OnIrq = (_, _, _) => inside = true;

        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 13, true, 0, [1]));
        Assert.True(inside);
        Assert.Equal([(bed.Dev, 2u, (ushort)0x8000)], bed.Owner.Irqs);

        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 0, false, 0, [1]));
        Assert.Single(bed.Owner.Irqs);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoSignalMask)]
    public void Dmbemask_is_rotate_right_16_of_0x1000()
    {
        Assert.Equal(0x1000, DibsLoopback.DmbeMask(0));
        Assert.Equal(0x0800, DibsLoopback.DmbeMask(1));
        Assert.Equal(0x0001, DibsLoopback.DmbeMask(12));
        Assert.Equal(0x8000, DibsLoopback.DmbeMask(13));
        Assert.Equal(0x2000, DibsLoopback.DmbeMask(15));
        var property = Prop.ForAll(ArbMap.Default.ArbFor<uint>(), idx =>
        {
            var shift = (int)(idx % 16);
            var expected = (ushort)((0x1000 >> shift) | (0x1000 << (16 - shift)));
            return DibsLoopback.DmbeMask(idx) == expected && DibsLoopback.DmbeMask(idx) == DibsLoopback.DmbeMask(idx + 16);
        });
        PropertyRunner.Check(property, 500, "dmbemask rotation");
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsDevSignalOwnerOnly)]
    public void Only_the_subscribed_owner_is_signalled_and_move_data_succeeds_regardless()
    {
        var bed = new LoopbackBed();
        var bystander = new RecordingClient("bystander", bed.Log);
        var owner2 = new RecordingClient("owner2", bed.Log);
        Assert.True(bed.Layer.RegisterClient(bystander.Client).IsOk);
        Assert.True(bed.Layer.RegisterClient(owner2.Client).IsOk);
        var mine = bed.Register(8);
        var theirs = bed.Register(8, owner2.Client);

        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, mine.DmbTok, 0, true, 0, [1]));
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, theirs.DmbTok, 0, true, 0, [1]));
        Assert.Single(bed.Owner.Irqs);
        Assert.Single(owner2.Irqs);
        Assert.Empty(bystander.Irqs);

        // The owner stops being subscribed (device removed): the signal is dropped, the write still lands.
        Assert.True(bed.Layer.DeleteDevice(bed.Dev).IsOk);
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, mine.DmbTok, 0, true, 1, [2]));
        Assert.Single(bed.Owner.Irqs);
        Assert.Equal(2, bed.Bytes(mine.DmbTok)[1]);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsDevSignalCoalesce)]
    public void Loopback_never_coalesces_every_signalled_write_is_one_handle_irq()
    {
        var bed = new LoopbackBed();
        var dmb = bed.Register(8);
        for (var i = 0; i < 10; i++)
            Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, (uint)i, true, 0, [(byte)i]));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => DibsLoopback.DmbeMask((uint)i)), bed.Owner.Irqs.Select(x => x.Mask));
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevMoveSync)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoMoveBounds)]
    public void Concurrent_move_data_from_two_threads_lands_every_byte_in_bounds()
    {
        var bed = new LoopbackBed();
        var target = bed.Register(4096);
        var neighbour = bed.Register(4096);
        var irqs = 0;
        bed.Owner.OnIrq = (_, _, _) => Interlocked.Increment(ref irqs);
        const int rounds = 2000;
        var errors = 0;
        Parallel.For(0, 2, t =>
        {
            var chunk = new byte[64];
            for (var r = 0; r < rounds; r++)
            {
                Array.Fill(chunk, (byte)(t + 1));
                var offset = (uint)(t * 2048 + r % 32 * 64);
                if (bed.Lo.MoveData(bed.Dev, target.DmbTok, (uint)t, r % 2 == 0, offset, chunk) != 0)
                    Interlocked.Increment(ref errors);
                // Every other round also tries to write across the end; it must be refused.
                if (bed.Lo.MoveData(bed.Dev, target.DmbTok, 0, true, 4096 - 32, chunk) != -Errno.EINVAL)
                    Interlocked.Increment(ref errors);
            }
        });
        Assert.Equal(0, errors);
        Assert.Equal(rounds, irqs);
        var bytes = bed.Bytes(target.DmbTok);
        Assert.All(bytes[..2048], b => Assert.Equal(1, b));
        Assert.All(bytes[2048..], b => Assert.Equal(2, b));
        Assert.All(bed.Bytes(neighbour.DmbTok), b => Assert.Equal(0, b));
    }
}
