namespace IsmSpec.VirtioIsm.Dibs.Tests;

/// <summary>attach_dmb / detach_dmb, cached attachments, eviction, and unregister while a peer is attached.</summary>
public class AttachTests
{
    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientBalancedCalls)]
    public void Attach_maps_the_peer_region_and_detach_calls_must_balance()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        var dmb = b.Register(8192, a);
        var att = new DibsDmb { DmbTok = dmb.DmbTok };
        Assert.Equal(0, a.Vism.AttachDmb(a.Dev, ref att));
        Assert.Equal((uint)VismBed.RegionSize, att.DmbLen);
        Assert.Equal(dmb.CpuAddr, att.CpuAddr);                                   // same REGIONS offset: the same memory
        a.Memory(dmb.DmbTok)[100] = 0x42;
        Assert.Equal(0x42, b.Memory(dmb.DmbTok)[100]);
        Assert.Equal(0, a.Vism.AttachDmb(a.Dev, ref att));                        // second reference, same ATTACH
        Assert.Equal(1, bed.Host.ReferencesOf(a.Driver.Devid));
        Assert.Equal(0, a.Vism.DetachDmb(a.Dev, dmb.DmbTok));
        Assert.Equal(1, a.Vism.AttachmentCount);
        Assert.Equal(0, a.Vism.DetachDmb(a.Dev, dmb.DmbTok));
        Assert.Equal(-Errno.EINVAL, a.Vism.DetachDmb(a.Dev, dmb.DmbTok));
        Assert.Equal(0, bed.Host.ReferencesOf(a.Driver.Devid));
        Assert.False(a.Vism.GetDmbMemory(a.Dev, dmb.DmbTok).IsOk);

        var own = new DibsDmb { DmbTok = dmb.DmbTok };
        Assert.Equal(-Errno.EINVAL, b.Vism.AttachDmb(b.Dev, ref own));            // a guest cannot ATTACH its own region
        var unknown = new DibsDmb { DmbTok = 99 };
        Assert.Equal(-Errno.EINVAL, a.Vism.AttachDmb(a.Dev, ref unknown));
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLayerUnregBusy)]
    public void Unregister_with_a_live_attachment_frees_the_owner_side_and_the_region_goes_with_the_last_reference()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        var dmb = b.Register(4096, a);
        Assert.Equal(0, a.Vism.MoveData(a.Dev, dmb.DmbTok, 0, true, 0, [1]));    // A attaches on demand
        Assert.NotNull(b.Client.NextIrq(VismBed.Wait));
        Assert.Equal(0, b.Vism.UnregisterDmb(b.Dev, ref dmb));
        Assert.Equal(DibsSpec.NoDibsClient, b.Dev.DmbOwner(dmb.Idx));
        Assert.True(b.Layer.UnregisterClient(b.Client.Client).IsOk);              // nothing owned any more
        Assert.True(bed.Host.RegionExists(dmb.CpuAddr));                          // A's reference keeps the region
        Assert.Equal(0, a.Vism.MoveData(a.Dev, dmb.DmbTok, 0, true, 0, [2]));    // lands in the orphan, reaches nobody
        Assert.Null(b.Client.NextIrq(TimeSpan.FromMilliseconds(200)));
        var other = new RecordingClient();
        Assert.True(b.Layer.RegisterClient(other.Client).IsOk);
        var reused = b.Register(4096, a, owner: other);
        Assert.Equal(dmb.Idx, reused.Idx);                                        // idx reused, a different region
        Assert.NotEqual(dmb.CpuAddr, reused.CpuAddr);
        Assert.Equal(1, a.Vism.ReleaseCachedAttachments());
        Assert.False(bed.Host.RegionExists(dmb.CpuAddr));
        Assert.Equal(-Errno.EINVAL, a.Vism.MoveData(a.Dev, dmb.DmbTok, 0, false, 0, [3]));
    }

    [Fact]
    public void A_full_window_evicts_the_least_recently_used_cached_attachment()
    {
        using var bed = new VismBed(regions: 32, window: 4);
        var (a, b) = bed.Pair();
        var c = bed.AddGuest();
        var dmbs = Enumerable.Range(0, 4).Select(_ => b.Register(4096, a)).Concat(Enumerable.Range(0, 4).Select(_ => c.Register(4096, a))).ToArray();
        for (var round = 0; round < 3; round++)
            for (var i = 0; i < dmbs.Length; i++)
                Assert.Equal(0, a.Vism.MoveData(a.Dev, dmbs[i].DmbTok, 0, false, (uint)round, [(byte)(i + 1)]));
        Assert.Equal(4, a.Vism.AttachmentCount);
        Assert.Equal(4, bed.Host.ReferencesOf(a.Driver.Devid));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(new byte[] { (byte)(i + 1), (byte)(i + 1), (byte)(i + 1) }, b.Memory(dmbs[i].DmbTok)[..3].ToArray());
            Assert.Equal(new byte[] { (byte)(i + 5), (byte)(i + 5), (byte)(i + 5) }, c.Memory(dmbs[i + 4].DmbTok)[..3].ToArray());
        }
        // An attach_dmb reference is never evicted; own DMBs are still allocated by evicting an idle attachment.
        var held = new DibsDmb { DmbTok = dmbs[0].DmbTok };
        Assert.Equal(0, a.Vism.AttachDmb(a.Dev, ref held));
        for (var i = 0; i < 3; i++)
            a.Register(4096, b);
        Assert.Equal(1, a.Vism.AttachmentCount);
        Assert.Equal(0, a.Vism.DetachDmb(a.Dev, dmbs[0].DmbTok));
    }
}
