namespace IsmSpec.Dibs.Tests;

/// <summary>
/// The fault cases: each gives the specified error as a value, nothing throws, and no byte outside
/// the addressed DMB changes (every live DMB is snapshotted before and compared after).
/// </summary>
public class FaultTests
{
    private static Dictionary<ulong, byte[]> Snapshot(LoopbackBed bed, IEnumerable<DibsDmb> dmbs) =>
        dmbs.ToDictionary(d => d.DmbTok, d => bed.Bytes(d.DmbTok));

    private static void AssertUnchanged(LoopbackBed bed, Dictionary<ulong, byte[]> snapshot)
    {
        foreach (var (token, bytes) in snapshot)
            Assert.Equal(bytes, bed.Bytes(token));
    }

    private static DibsDmb[] Filled(LoopbackBed bed, int count, uint len)
    {
        var dmbs = Enumerable.Range(0, count).Select(_ => bed.Register(len)).ToArray();
        foreach (var d in dmbs)
            Assert.Equal(0, bed.Lo.MoveData(bed.Dev, d.DmbTok, 0, false, 0, Enumerable.Repeat((byte)(d.Idx + 1), (int)len).ToArray()));
        return dmbs;
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLayerUnregBusy)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLayerUnregAtomic)]
    public void Fault_client_unregister_with_live_dmbs_is_EBUSY_and_leaves_everything_working()
    {
        var bed = new LoopbackBed();
        var fake = new FakeDevice("d0");
        Assert.True(bed.Layer.AddDevice(fake.Device).IsOk);
        var dmbs = Filled(bed, 3, 64);
        var snapshot = Snapshot(bed, dmbs);

        for (var i = 0; i < 3; i++)
            Assert.Equal(-Errno.EBUSY, bed.Layer.UnregisterClient(bed.Owner.Client).Code);

        AssertUnchanged(bed, snapshot);
        Assert.DoesNotContain(bed.Log.Entries, e => e.Contains("del_dev"));
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmbs[1].DmbTok, 0, true, 0, [0]));
        Assert.Single(bed.Owner.Irqs);
        foreach (var d in dmbs)
            Assert.Equal(0, bed.Unregister(d));
        Assert.True(bed.Layer.UnregisterClient(bed.Owner.Client).IsOk);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoUnknownTokenEinval)]
    public void Fault_move_data_to_an_unknown_token_is_EINVAL_touches_nothing_and_signals_nobody()
    {
        var bed = new LoopbackBed();
        var dmbs = Filled(bed, 4, 32);
        var snapshot = Snapshot(bed, dmbs);
        var unknown = dmbs.Select(d => d.DmbTok).Aggregate(0x5A5A5A5AUL, (a, t) => a ^ t);
        Assert.DoesNotContain(unknown, snapshot.Keys);

        Assert.Equal(-Errno.EINVAL, bed.Lo.MoveData(bed.Dev, unknown, 0, true, 0, [1, 2, 3]));
        Assert.Equal(-Errno.EINVAL, bed.Lo.MoveData(bed.Dev, 0, 0, true, 0, [1]));

        AssertUnchanged(bed, snapshot);
        Assert.Empty(bed.Owner.Irqs);
    }

    [Theory]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoMoveBounds)]
    [InlineData(64u, 1)]            // one past the end
    [InlineData(60u, 5)]            // straddling the end
    [InlineData(65u, 0)]            // empty write starting past the end
    [InlineData(uint.MaxValue, 1)]  // far beyond
    [InlineData(uint.MaxValue - 1, 4)] // offset + size overflows 32 bits
    [InlineData(0u, 65)]            // longer than the DMB
    public void Fault_offsets_beyond_the_dmb_are_EINVAL_and_nothing_outside_is_touched(uint offset, int size)
    {
        var bed = new LoopbackBed();
        var dmbs = Filled(bed, 3, 64);
        var snapshot = Snapshot(bed, dmbs);

        Assert.Equal(-Errno.EINVAL, bed.Lo.MoveData(bed.Dev, dmbs[1].DmbTok, 0, true, offset, new byte[size]));

        AssertUnchanged(bed, snapshot);
        Assert.Empty(bed.Owner.Irqs);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoLowestIndex)]
    public void Fault_a_full_index_table_is_ENOSPC_and_leaks_nothing()
    {
        var bed = new LoopbackBed();
        var dmbs = Enumerable.Range(0, DibsSpec.DibsLoMaxDmbs).Select(_ => bed.Register(8)).ToArray();
        for (var i = 0; i < 3; i++)
        {
            var extra = new DibsDmb { DmbLen = 8 };
            Assert.Equal(-Errno.ENOSPC, bed.Lo.RegisterDmb(bed.Dev, ref extra, bed.Owner.Client));
            Assert.Equal(0UL, extra.DmbTok);
        }
        Assert.Equal(5000, bed.Lo.DmbCount);
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmbs[4999].DmbTok, 0, true, 0, [1]));
        Assert.Equal([(bed.Dev, 4999u, (ushort)0x1000)], bed.Owner.Irqs);

        foreach (var d in dmbs)
            Assert.Equal(0, bed.Unregister(d));
        Assert.Equal(0, bed.Lo.DmbCount);
        Assert.All(Enumerable.Range(0, 5000), i => Assert.Equal(0xff, bed.Dev.DmbOwner((uint)i)));
        Assert.True(bed.Layer.UnregisterClient(bed.Owner.Client).IsOk);
    }
}
