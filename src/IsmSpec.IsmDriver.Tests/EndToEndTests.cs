using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.IsmDriver.Tests;

/// <summary>
/// Two ISM functions on one fabric, each driven by an IsmDibsDriver registered in its own DIBS layer with a
/// client: data, signals, software events and the fault cases of the acceptance list.
/// </summary>
public class EndToEndTests
{
    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmMoveChunk4K)]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmMoveSfLast)]
    public void Random_moves_from_A_land_intact_in_Bs_dmb_and_signal_Bs_client_with_idx_and_mask()
    {
        var pair = new IsmPair(hostSize: 3 << 20, poolBytes: 2 << 20);
        var (a, b) = (pair.A, pair.B);
        const int len = 1 << 20;
        var dmb = pair.DmbOnB(len);
        int dmbAt = (int)(dmb.DmaAddr - b.Function.HostMemory.DmaBase);
        var expected = b.Snapshot();
        var cases = Gen.Zip(Gen.Choose(0, 200 * 1024), Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(0, 255)));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            int size = c.Item1, offset = c.Item2.Item1 % (len - size + 1), sidx = c.Item2.Item2;
            var data = new byte[size];
            new Random(c.Item2.Item1).NextBytes(data);
            b.Client.Clear();
            if (a.Driver.MoveData(a.Dev, dmb.DmbTok, (uint)sidx, true, (uint)offset, data) != 0) return false;
            data.CopyTo(expected, dmbAt + offset);
            var irqs = b.Client.Irqs;
            bool signalled = size == 0 ? irqs.Count == 0 : irqs.SequenceEqual([(dmb.Idx, MoveDataTests.Mask((uint)sidx))]);
            // The whole host memory of B: the DMB as expected, everything else (SBA back to zero) unchanged.
            return signalled && b.Function.HostMemory.All.SequenceEqual(expected) && a.Client.Irqs.Count == 0;
        });
        PropertyRunner.Check(property, 120, "ISM move_data end to end");
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmIeqEventMapping)]
    public void Signal_event_from_A_is_a_sw_event_at_every_client_of_B()
    {
        var pair = new IsmPair();
        var (a, b) = (pair.A, pair.B);
        var second = new RecordingClient("second");
        Assert.Equal(DibsResult.Ok, b.Layer.RegisterClient(second.Client));

        Assert.Equal(0, a.Driver.SignalEvent(a.Dev, b.Gid, 1, 0x83, 0x0102_0304_0506_0708));
        foreach (var client in new[] { b.Client, second })
        {
            var ev = Assert.Single(client.Events);
            Assert.Equal(DibsEventType.SwEvent, ev.Type);
            Assert.Equal(0x83u, ev.Subtype);
            Assert.Equal(0x0102_0304_0506_0708UL, ev.Data);
            Assert.Equal(a.Gid, ev.Gid.ToArray());
        }
        Assert.Empty(a.Client.Events);

        // trigger_irq 0: no interrupt now; the event is drained by the next one.
        Assert.Equal(0, a.Driver.SignalEvent(a.Dev, b.Gid, 0, 0x80, 9));
        Assert.Single(second.Events);
        var dmb = pair.DmbOnB(4096);
        Assert.Equal(0, a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, true, 0, [1]));
        Assert.Equal([0x83u, 0x80u], second.Events.Select(e => e.Subtype));
        Assert.Single(b.Client.Irqs);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmRegDmbResult)]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmUnregDmbOrder)]
    public void Fault_client_unregister_with_live_dmbs_is_EBUSY_until_they_are_unregistered()
    {
        var pair = new IsmPair();
        var b = pair.B;
        var d1 = pair.DmbOnB(4096);
        var d2 = pair.DmbOnB(8192);
        Assert.Equal(DibsResult.Fail(Errno.EBUSY), b.Layer.UnregisterClient(b.Client.Client));
        Assert.Equal(0, b.Driver.UnregisterDmb(b.Dev, ref d1));
        Assert.Equal(DibsResult.Fail(Errno.EBUSY), b.Layer.UnregisterClient(b.Client.Client));
        Assert.Equal(0, b.Driver.UnregisterDmb(b.Dev, ref d2));
        Assert.Equal(DibsResult.Ok, b.Layer.UnregisterClient(b.Client.Client));
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmMoveStoreEio)]
    public void Fault_unknown_token_and_offsets_beyond_the_dmb_are_EIO_and_touch_nothing_outside_the_dmb()
    {
        var pair = new IsmPair();
        var (a, b) = (pair.A, pair.B);
        var dmb = pair.DmbOnB(16384);
        int at = (int)(dmb.DmaAddr - b.Function.HostMemory.DmaBase);
        var beforeA = a.Snapshot();
        var beforeB = b.Snapshot();

        Assert.Equal(-Errno.EIO, a.Driver.MoveData(a.Dev, (dmb.DmbTok >> 32) + 1 << 32, 0, true, 0, new byte[5000]));
        Assert.Equal(-Errno.EIO, a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, true, 20000, new byte[100]));
        Assert.Equal(beforeB, b.Snapshot());

        var data = Enumerable.Range(0, 8000).Select(i => (byte)(i | 1)).ToArray();
        Assert.Equal(-Errno.EIO, a.Driver.MoveData(a.Dev, dmb.DmbTok, 0, true, 12000, data));
        var after = b.Snapshot();
        Assert.Equal(data[..4384], after[(at + 12000)..(at + 16384)]);                  // chunks inside the DMB stay
        Assert.Equal(beforeB[..(at + 12000)], after[..(at + 12000)]);
        Assert.Equal(beforeB[(at + 16384)..], after[(at + 16384)..]);                   // nothing past it
        Assert.Equal(beforeA, a.Snapshot());
        Assert.Empty(b.Client.Irqs);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDmbIdxAlloc)]
    public void Fault_a_full_index_table_is_ENOSPC_and_freeing_one_index_makes_room()
    {
        var pair = new IsmPair(hostSize: 12 << 20, poolBytes: 9 << 20);
        var b = pair.B;
        var all = Enumerable.Range(0, 1888).Select(_ => pair.DmbOnB(1)).ToArray();
        var extra = IsmSide.Dmb(4096, pair.A.Gid);
        Assert.Equal(-Errno.ENOSPC, b.Driver.RegisterDmb(b.Dev, ref extra, b.Client.Client));
        var victim = all[500];
        Assert.Equal(0, b.Driver.UnregisterDmb(b.Dev, ref victim));
        Assert.Equal(victim.Idx, pair.DmbOnB(4096).Idx);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmRawCodesToClient)]
    public void Fault_malformed_command_blocks_get_an_error_code_and_the_driver_keeps_working()
    {
        var pair = new IsmPair();
        var (a, b) = (pair.A, pair.B);
        a.Pci.MutateHeader = h => h[5] = 0x01;                                  // reserved field set
        Assert.Equal((int)IsmDeviceCodes.Malformed, a.Driver.QueryRemoteGid(a.Dev, b.Gid, 0, 0));
        a.Pci.MutateHeader = h => BinaryPrimitives.WriteUInt16BigEndian(h[6..], 12); // len not the request size
        Assert.Equal(0xFFFF, a.Driver.QueryRemoteGid(a.Dev, b.Gid, 0, 0));
        a.Pci.MutateHeader = h => BinaryPrimitives.WriteUInt32BigEndian(h, 0x0C); // a code the device does not know
        Assert.Equal(0xFFFF, a.Driver.AddVlanId(a.Dev, 1));
        var dmb = IsmSide.Dmb(4096, b.Gid);
        Assert.Equal(0xFFFF, a.Driver.RegisterDmb(a.Dev, ref dmb, a.Client.Client));
        Assert.Equal(0, a.Driver.DmbCount);

        a.Pci.MutateHeader = null;
        Assert.Equal(0, a.Driver.QueryRemoteGid(a.Dev, b.Gid, 0, 0));
        var ok = a.Register(4096, b.Gid);
        Assert.Equal(0, b.Driver.MoveData(b.Dev, ok.DmbTok, 0, true, 0, [7]));
        Assert.Single(a.Client.Irqs);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmIrqHandlerOrder)]
    public void Concurrent_writers_to_several_dmbs_deliver_every_byte_and_at_least_one_signal_each()
    {
        var pair = new IsmPair();
        var (a, b) = (pair.A, pair.B);
        var dmbs = Enumerable.Range(0, 4).Select(_ => pair.DmbOnB(65536)).ToArray();
        Parallel.For(0, 4, t =>
        {
            for (int i = 0; i < 50; i++)
                Assert.Equal(0, a.Driver.MoveData(a.Dev, dmbs[t].DmbTok, 0, true, (uint)(i * 1000), Enumerable.Repeat((byte)(t + 1), 1000).ToArray()));
        });
        for (int t = 0; t < 4; t++)
        {
            Assert.All(b.Memory(dmbs[t].DmbTok)[..50000].ToArray(), x => Assert.Equal(t + 1, x));
            int signals = b.Client.Irqs.Count(i => i.Idx == dmbs[t].Idx);
            Assert.InRange(signals, 1, 50);
        }
    }
}
