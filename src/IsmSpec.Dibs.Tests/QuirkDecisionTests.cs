using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.Dibs.Tests;

/// <summary>
/// One test per kernel quirk decision (research §7; src/IsmSpec.Dibs/README.md "Quirk decisions"):
/// fixed — partial unregister (rule 10), stale owner after detach (rule 36), unchecked move_data bounds
/// (rule 38); mirrored — ignored requested idx (rule 26), size-0 signalled write (rule 40).
/// </summary>
public class QuirkDecisionTests
{
    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLayerUnregAtomic)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLayerUnregPartial)]
    public void Decision_fix_partial_unregister_an_EBUSY_on_a_later_device_leaves_every_device_untouched()
    {
        var layer = new DibsLayer();
        var older = new FakeDevice("older");
        var newer = new FakeDevice("newer");
        Assert.True(layer.AddDevice(older.Device).IsOk);
        Assert.True(layer.AddDevice(newer.Device).IsOk); // list order: newer, older
        var client = new RecordingClient("c");
        client.OnAddDev = dev => dev.SetPriv(client.Client, dev.Name);
        Assert.True(layer.RegisterClient(client.Client).IsOk);
        var dmb = older.Register(client.Client); // the busy device comes last in list order
        client.Log.Clear();

        Assert.Equal(-Errno.EBUSY, layer.UnregisterClient(client.Client).Code);

        // The kernel would have called del_dev on "newer" and cleared its forwarding slot by now.
        Assert.Empty(client.Log.Entries);
        Assert.True(newer.Device.IsSubscribed(client.Client));
        Assert.True(older.Device.IsSubscribed(client.Client));
        Assert.Equal("newer", newer.Device.GetPriv(client.Client));
        Assert.True(layer.IsRegistered(client.Client));

        Assert.Equal(0, older.UnregisterDmb(older.Device, ref dmb));
        Assert.True(layer.UnregisterClient(client.Client).IsOk);
        Assert.Equal(["c del_dev newer", "c del_dev older"], client.Log.Entries);
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoDetachClearsOwner)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoDetachStaleOwner)]
    public void Decision_fix_stale_owner_a_detach_that_frees_the_dmb_clears_its_owner_entry()
    {
        var bed = new LoopbackBed();
        var dmb = bed.Register(32);
        Assert.Equal(0, bed.Attach(dmb.DmbTok, out _));
        Assert.Equal(0, bed.Unregister(dmb));
        Assert.Equal(bed.Owner.Client.Id, bed.Dev.DmbOwner(dmb.Idx));

        Assert.Equal(0, bed.Lo.DetachDmb(bed.Dev, dmb.DmbTok));

        // The kernel leaves the entry set, so dibs_unregister_client of the owner would get -EBUSY.
        Assert.Equal(0xff, bed.Dev.DmbOwner(dmb.Idx));
        Assert.True(bed.Layer.UnregisterClient(bed.Owner.Client).IsOk);
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoMoveBounds)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoMoveNoChecks)]
    public void Decision_fix_move_data_bounds_writes_past_dmb_len_are_EINVAL_and_write_and_signal_nothing()
    {
        var cases = Gen.Zip(Gen.Choose(1, 300), Gen.Zip(Gen.Choose(0, 400), Gen.Choose(0, 100)));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (len, offset, size) = (c.Item1, c.Item2.Item1, c.Item2.Item2);
            var bed = new LoopbackBed();
            var before = bed.Register(16);
            var dmb = bed.Register((uint)len);
            var after = bed.Register(16);
            var data = Enumerable.Range(1, size).Select(i => (byte)i).ToArray();

            var rc = bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 0, true, (uint)offset, data);

            var fits = offset + size <= len;
            var bytes = bed.Bytes(dmb.DmbTok);
            var expected = new byte[len];
            if (fits)
                data.CopyTo(expected, offset);
            return rc == (fits ? 0 : -Errno.EINVAL)
                && bytes.SequenceEqual(expected)
                && bed.Owner.Irqs.Count == (fits ? 1 : 0)
                && bed.Bytes(before.DmbTok).All(b => b == 0)
                && bed.Bytes(after.DmbTok).All(b => b == 0);
        });
        PropertyRunner.Check(property, 300, "move_data bounds decision");
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoLowestIndex)]
    public void Decision_mirror_ignored_idx_a_requested_index_is_disregarded()
    {
        var bed = new LoopbackBed();
        var dmb = new DibsDmb { DmbLen = 8, Idx = 7 };
        Assert.Equal(0, bed.Lo.RegisterDmb(bed.Dev, ref dmb, bed.Owner.Client));
        Assert.Equal(0u, dmb.Idx);
        var again = new DibsDmb { DmbLen = 8, Idx = 0 }; // "requested" 0, which is taken: still no error
        Assert.Equal(0, bed.Lo.RegisterDmb(bed.Dev, ref again, bed.Owner.Client));
        Assert.Equal(1u, again.Idx);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoSignalZeroSize)]
    public void Decision_mirror_zero_size_signalled_write_still_signals_unlike_ism()
    {
        var bed = new LoopbackBed();
        var dmb = bed.Register(16);
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 3, true, 0, []));
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 4, true, 16, [])); // at the very end: still in bounds
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 5, false, 0, []));
        Assert.Equal(-Errno.EINVAL, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 6, true, 17, [])); // past the end
        Assert.Equal([(bed.Dev, dmb.Idx, DibsLoopback.DmbeMask(3)), (bed.Dev, dmb.Idx, DibsLoopback.DmbeMask(4))], bed.Owner.Irqs);
        Assert.All(bed.Bytes(dmb.DmbTok), b => Assert.Equal(0, b));
    }
}
