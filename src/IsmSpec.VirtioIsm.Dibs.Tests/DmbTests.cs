namespace IsmSpec.VirtioIsm.Dibs.Tests;

/// <summary>register_dmb / unregister_dmb on the virtio-ism DIBS device (rules 17–19).</summary>
public class DmbTests
{
    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevRegisterResult)]
    public void Register_returns_the_region_token_the_lowest_index_and_records_the_owner()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        for (uint expected = 0; expected < 3; expected++)
        {
            var dmb = b.Register(16384, a);
            Assert.Equal(expected, dmb.Idx);
            Assert.NotEqual(0UL, dmb.DmbTok);
            Assert.Equal(DibsSpec.DibsDmaAddrInvalid, dmb.DmaAddr);            // non-zero: SMC will unregister it (rule 74)
            Assert.Equal(dmb.CpuAddr, b.Driver.Regions[dmb.CpuAddr].Offset);    // cpu_addr = REGIONS offset
            Assert.Equal(b.Driver.Regions[dmb.CpuAddr].Token, dmb.DmbTok);      // token = the region token
            Assert.Equal(b.Client.Client.Id, b.Dev.DmbOwner(dmb.Idx));
            Assert.Equal(16384, b.Memory(dmb.DmbTok).Length);
        }
        Assert.Equal(3, b.Vism.DmbCount);
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevRegisterZero)]
    public void A_registered_buffer_is_zero_even_where_a_freed_region_held_data()
    {
        using var bed = new VismBed(regions: 4);
        var (a, b) = bed.Pair();
        for (var round = 0; round < 6; round++)
        {
            var dmb = b.Register((uint)VismBed.RegionSize, a);
            Assert.True(b.Memory(dmb.DmbTok).IndexOfAnyExcept((byte)0) < 0, $"round {round}: not zeroed");
            b.Memory(dmb.DmbTok).Fill(0xEE);
            Assert.Equal(0, b.Vism.UnregisterDmb(b.Dev, ref dmb));
        }
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevUniqueIdxToken)]
    public void Indices_and_tokens_of_live_dmbs_are_unique_and_freed_indices_are_reused_lowest_first()
    {
        using var bed = new VismBed(regions: 40, window: 40);
        var (a, b) = bed.Pair();
        var dmbs = Enumerable.Range(0, 12).Select(_ => b.Register(4096, a)).ToList();
        Assert.Equal(12, dmbs.Select(d => d.Idx).Distinct().Count());
        Assert.Equal(12, dmbs.Select(d => d.DmbTok).Distinct().Count());
        var fromA = a.Register(4096, b);
        Assert.DoesNotContain(fromA.DmbTok, dmbs.Select(d => d.DmbTok));    // tokens unique across the host
        foreach (var i in new[] { 7, 2 })
        {
            var d = dmbs[i];
            Assert.Equal(0, b.Vism.UnregisterDmb(b.Dev, ref d));
            Assert.Equal(DibsSpec.NoDibsClient, b.Dev.DmbOwner(d.Idx));
        }
        Assert.Equal(2u, b.Register(4096, a).Idx);
        Assert.Equal(7u, b.Register(4096, a).Idx);
        Assert.Equal(12u, b.Register(4096, a).Idx);
    }

    [Fact]
    public void Length_zero_or_above_region_size_is_einval_and_a_full_index_table_or_host_is_enospc()
    {
        using var bed = new VismBed(regions: 3, window: 8);
        var (a, b) = bed.Pair();
        var dmb = new DibsDmb { DmbLen = 0 };
        Assert.Equal(-Errno.EINVAL, b.Vism.RegisterDmb(b.Dev, ref dmb, b.Client.Client));
        dmb.DmbLen = (uint)VismBed.RegionSize + 1;
        Assert.Equal(-Errno.EINVAL, b.Vism.RegisterDmb(b.Dev, ref dmb, b.Client.Client));
        for (var i = 0; i < 3; i++)
            b.Register(100, a);
        dmb.DmbLen = 100;
        Assert.Equal(-Errno.ENOSPC, b.Vism.RegisterDmb(b.Dev, ref dmb, b.Client.Client));   // no region slot left
        Assert.Equal(3, b.Vism.DmbCount);

        using var bed2 = new VismBed();
        var c = bed2.AddGuest(new VirtioIsmDibsOptions { MaxDmbs = 2 });
        c.Register(100);
        c.Register(100);
        Assert.Equal(-Errno.ENOSPC, c.Vism.RegisterDmb(c.Dev, ref dmb, c.Client.Client));   // index table full
        Assert.Equal(2, bed2.Host.RegionsInUse);
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLayerUnregBusy)]
    public void Unregister_of_an_unknown_token_is_einval_and_the_client_can_leave_once_its_dmbs_are_gone()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        var bogus = new DibsDmb { DmbTok = 0x1234 };
        Assert.Equal(-Errno.EINVAL, b.Vism.UnregisterDmb(b.Dev, ref bogus));
        var dmb = b.Register(4096, a);
        Assert.Equal(-Errno.EBUSY, b.Layer.UnregisterClient(b.Client.Client).Code);
        Assert.Equal(0, b.Vism.UnregisterDmb(b.Dev, ref dmb));
        Assert.Equal(-Errno.EINVAL, b.Vism.UnregisterDmb(b.Dev, ref dmb));
        Assert.True(b.Layer.UnregisterClient(b.Client.Client).IsOk);
        Assert.Equal(0, bed.Host.RegionsInUse);
    }

    [Fact]
    public void Remove_deletes_the_device_from_the_layer_and_detaches_every_region()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        var dmb = b.Register(4096, a);
        Assert.Equal(0, a.Vism.MoveData(a.Dev, dmb.DmbTok, 0, false, 0, [1, 2, 3]));
        a.Register(4096, b);
        Assert.True(a.Vism.Remove().IsOk);
        Assert.DoesNotContain(a.Dev, a.Layer.Devices);
        Assert.Equal(0, bed.Host.ReferencesOf(a.Driver.Devid));
        Assert.Equal(1, bed.Host.RegionsInUse);                              // B's DMB only
    }
}
