namespace IsmSpec.S390Ism.Tests;

/// <summary>READ_GID, QUERY_INFO, QUERY_RGID, ADD/DEL_VLAN_ID, SET/RESET_VLAN and reachability by GID.</summary>
public class IdentityAndVlanTests
{
    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevGidUnique)]
    public void Functions_have_distinct_nonzero_gids_and_reach_each_other_only_on_their_fabric()
    {
        var fabric = new IsmFabric(0x0101);
        var functions = Enumerable.Range(0, 5).Select(_ => fabric.CreateFunction(IsmBed.NewHost())).ToArray();
        var gids = functions.Select(f => { Assert.Equal(IsmRet.Success, Drv.ReadGid(f, out var gid)); return gid; }).ToArray();
        Assert.All(gids, g => Assert.NotEqual(0UL, g));
        Assert.Equal(gids.Length, gids.Distinct().Count());
        Assert.Equal(functions.Select(f => f.Gid), gids);
        foreach (var f in functions)
            foreach (var g in gids)
                Assert.Equal(IsmRet.Success, Drv.QueryRgid(f, g));

        var other = new IsmFabric(0x0202).CreateFunction(IsmBed.NewHost(), gid: 0x5555);
        Assert.Equal(IsmDeviceCodes.UnknownGid, Drv.QueryRgid(other, gids[0]));
        Assert.Equal(IsmDeviceCodes.UnknownGid, Drv.SignalIeq(other, gids[0], 1, 1));
        Assert.Throws<ArgumentException>(() => fabric.CreateFunction(IsmBed.NewHost(), gids[1]));
        Assert.Throws<ArgumentException>(() => fabric.CreateFunction(IsmBed.NewHost(), gid: 0));
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevQueryRgid)]
    public void Query_rgid_checks_presence_and_the_targets_vlan_table()
    {
        var bed = new IsmBed();
        Assert.Equal(IsmRet.Success, Drv.QueryRgid(bed.A, bed.B.Gid));
        Assert.Equal(IsmRet.Success, Drv.QueryRgid(bed.A, bed.A.Gid));
        Assert.Equal(IsmDeviceCodes.UnknownGid, Drv.QueryRgid(bed.A, 0xDEAD));
        Assert.Equal(IsmDeviceCodes.VlanUnknown, Drv.QueryRgid(bed.A, bed.B.Gid, vlanValid: true, vlanId: 10));
        Assert.Equal(IsmRet.Success, Drv.AddVlanId(bed.B, 10));
        Assert.Equal(IsmRet.Success, Drv.QueryRgid(bed.A, bed.B.Gid, vlanValid: true, vlanId: 10));
        Assert.Equal(IsmDeviceCodes.BadVlan, Drv.QueryRgid(bed.A, bed.B.Gid, vlanValid: true, vlanId: 0x10000));
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevVlan)]
    public void Vlan_table_adds_deletes_and_fills_up_at_64()
    {
        var bed = new IsmBed();
        var f = bed.A;
        Assert.Equal(IsmRet.Success, Drv.AddVlanId(f, 0x1FFF));          // SMC's V2 probe id (research §4.3)
        Assert.Equal(IsmRet.Success, Drv.AddVlanId(f, 0x1FFF));          // present: no-op
        Assert.Equal(IsmDeviceCodes.BadVlan, Drv.AddVlanId(f, 0x1_0000));
        for (ulong id = 1; id < 64; id++) Assert.Equal(IsmRet.Success, Drv.AddVlanId(f, id));
        Assert.Equal(IsmDeviceCodes.VlanTableFull, Drv.AddVlanId(f, 100));
        Assert.Equal(IsmRet.Success, Drv.DelVlanId(f, 5));
        Assert.Equal(IsmDeviceCodes.VlanUnknown, Drv.DelVlanId(f, 5));
        Assert.Equal(IsmDeviceCodes.BadVlan, Drv.DelVlanId(f, ulong.MaxValue));
        Assert.Equal(IsmRet.Success, Drv.AddVlanId(f, 100));

        Assert.Equal(IsmRet.Success, Drv.QueryInfo(f, out var info));
        Assert.Equal(0u, info.VlanRequired);
        Assert.Equal(64u, info.VlanNrIds);
        Assert.Equal(1, info.GetVlanId(0));
        Assert.Equal(100, info.GetVlanId(62));
        Assert.Equal(0x1FFF, info.GetVlanId(63));
        Assert.Equal(IsmRet.Success, Drv.SetVlan(f));
        Assert.Equal(IsmRet.Success, Drv.QueryInfo(f, out info));
        Assert.Equal(1u, info.VlanRequired);
        Assert.Equal(IsmRet.Success, Drv.ResetVlan(f));
        Assert.Equal(IsmRet.Success, Drv.QueryInfo(f, out info));
        Assert.Equal(0u, info.VlanRequired);
    }

    [Fact]
    [Trait(Req.Trait, S390IsmSpec.Ids.IsmDevQueryInfo)]
    public void Query_info_reports_the_functions_state()
    {
        var bed = new IsmBed();
        bed.DmbOnB(idx: 32);
        bed.DmbOnB(idx: 33, rgid: 0);
        ulong own = bed.A.HostMemory.Allocate(4096);
        Assert.Equal(IsmRet.Success, Drv.RegDmb(bed.A, own, 4096, 40, bed.B.Gid, out _));

        Assert.Equal(IsmRet.Success, Drv.QueryInfo(bed.A, out var info));
        Assert.Equal(200, info.Hdr.Len);
        Assert.Equal(1u, info.Version);
        Assert.Equal((uint)S390IsmSpec.IsmDmbMaxLen, info.MaxLen);
        Assert.Equal(0UL, info.IsmState);
        Assert.Equal(bed.A.Gid, info.MyGid);
        Assert.Equal(bed.SbaA, info.Sba);
        Assert.Equal(bed.IeqA, info.Ieq);
        Assert.Equal(512u, info.IeqLen);
        Assert.Equal(1u, info.DmbsOwned);
        Assert.Equal(1u, info.DmbsUsed);     // B's DMB at 32 names A as rgid; the one at 33 has rgid 0
        Assert.Equal(0u, info.VlanNrIds);

        Assert.Equal(IsmRet.Success, Drv.UnregIeq(bed.A));
        Assert.Equal(IsmRet.Success, Drv.QueryInfo(bed.A, out info));
        Assert.Equal(0UL, info.Ieq);
        Assert.Equal(0u, info.IeqLen);
    }
}
