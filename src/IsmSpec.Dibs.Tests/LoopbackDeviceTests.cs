namespace IsmSpec.Dibs.Tests;

/// <summary>Loopback identity, reachability, ops table and lifecycle (research §3.1, rules 12, 13, 15, 16, 25, 41, 42).</summary>
public class LoopbackDeviceTests
{
    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsDevFabricId)]
    public void Loopback_fabric_id_is_0xFFFF()
    {
        var bed = new LoopbackBed();
        Assert.Equal(0xFFFF, bed.Lo.GetFabricId(bed.Dev));
        Assert.Equal(DibsSpec.DibsLoopbackFabric, bed.Dev.FabricId);
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoQueryRgidSelf)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevQueryRgid)]
    public void Only_the_own_gid_is_reachable_whatever_the_vlan()
    {
        var bed = new LoopbackBed();
        var own = bed.Dev.Gid.ToArray();
        Assert.Equal(0, bed.Lo.QueryRemoteGid(bed.Dev, own, 0, 0));
        Assert.Equal(0, bed.Lo.QueryRemoteGid(bed.Dev, own, 1, 4095));
        var other = (byte[])own.Clone();
        other[15] ^= 1;
        Assert.Equal(-Errno.ENETUNREACH, bed.Lo.QueryRemoteGid(bed.Dev, other, 0, 0));
        Assert.Equal(-Errno.ENETUNREACH, bed.Lo.QueryRemoteGid(bed.Dev, other, 1, 7));
        Assert.Equal(-Errno.ENETUNREACH, bed.Lo.QueryRemoteGid(bed.Dev, new byte[16], 0, 0));
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevMmappedTrio)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevOptionalOps)]
    public void Loopback_has_the_mmapped_trio_and_no_vlan_or_signal_event_ops()
    {
        var bed = new LoopbackBed();
        var mmapped = Assert.IsAssignableFrom<IDibsDevOpsMmapped<DibsDevice, DibsClient>>(bed.Dev.Ops);
        Assert.Same(mmapped, bed.Dev.Mmapped);
        Assert.Equal(DibsSpec.DibsLoSupportNocopy, mmapped.SupportMmappedRdmb(bed.Dev));
        Assert.False(bed.Dev.Ops is IDibsDevOpsAddVlanId<DibsDevice, DibsClient>);
        Assert.False(bed.Dev.Ops is IDibsDevOpsDelVlanId<DibsDevice, DibsClient>);
        Assert.False(bed.Dev.Ops is IDibsDevOpsSignalEvent<DibsDevice, DibsClient>);
        Assert.Null(new FakeDevice("d0").Device.Mmapped);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoSingleDevice)]
    public void Module_load_makes_one_lo_device_with_a_random_uuid_gid_and_a_second_probe_is_EEXIST()
    {
        var layer = DibsLayer.Load();
        var lo = Assert.IsType<DibsLoopback>(layer.Loopback);
        Assert.Equal("lo", lo.Device.Name);
        Assert.Equal([lo.Device], layer.Devices);
        Assert.Equal(0x4, lo.Device.Gid[6] >> 4); // UUID version 4
        Assert.Equal(0x2, lo.Device.Gid[8] >> 6); // RFC 4122 variant
        Assert.NotEqual(lo.Device.GidString, DibsLayer.Load().Loopback!.Device.GidString);
        Assert.Equal(-Errno.EEXIST, DibsLoopback.Probe(layer).Code);
        Assert.Null(DibsLayer.Load(configDibsLo: false).Loopback);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoSingleDevice)]
    public async Task Removal_calls_del_dev_and_then_waits_until_every_dmb_is_freed()
    {
        var bed = new LoopbackBed();
        var dmb = bed.Register(8);
        Assert.Equal(-Errno.ETIMEDOUT, bed.Lo.Remove(TimeSpan.FromMilliseconds(20)).Code);
        Assert.Contains("owner del_dev lo", bed.Log.Entries);
        Assert.Empty(bed.Layer.Devices);

        var remover = Task.Run(() => bed.Layer.Unload(TimeSpan.FromSeconds(10)));
        await Task.Delay(20);
        Assert.False(remover.IsCompleted);
        Assert.Equal(0, bed.Unregister(dmb));
        Assert.Equal(DibsResult.Ok, await remover.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(bed.Layer.Loopback);
        Assert.True(DibsLoopback.Probe(bed.Layer).IsOk);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoNoEvents)]
    public void No_loopback_operation_ever_raises_an_event()
    {
        var bed = new LoopbackBed();
        var a = bed.Register(64);
        var b = bed.Register(64);
        Assert.Equal(0, bed.Attach(a.DmbTok, out _));
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, a.DmbTok, 1, true, 0, [1]));
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, b.DmbTok, 1, true, 0, []));
        Assert.Equal(0, bed.Unregister(a));
        Assert.Equal(0, bed.Lo.DetachDmb(bed.Dev, a.DmbTok));
        Assert.Equal(0, bed.Unregister(b));
        Assert.Equal(DibsResult.Ok, bed.Layer.Unload(TimeSpan.FromSeconds(1)));
        Assert.Empty(bed.Owner.Events);
        Assert.DoesNotContain(bed.Log.Entries, e => e.Contains("handle_event"));
    }
}
