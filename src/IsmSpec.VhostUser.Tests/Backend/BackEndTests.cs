using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VhostUser.Tests.Support;
using static IsmSpec.VhostUser.Tests.Support.IsmBed;

namespace IsmSpec.VhostUser.Tests.Backend;

public class BackEndTests
{
    [Fact]
    public void A_token_allocated_through_one_front_end_attaches_through_another_and_the_memory_is_shared()
    {
        using var bed = new IsmBed();
        using var a = bed.Guest();
        using var b = bed.Guest();
        var region = Alloc(a, 4096) ?? throw new Xunit.Sdk.XunitException("ALLOC refused");
        Assert.Equal(region.Offset, Attach(b, region.Token));
        Assert.True(a.TryWrite(region.Offset, "hello"u8));
        var back = new byte[5];
        Assert.True(b.TryRead(region.Offset, back));
        Assert.Equal("hello"u8.ToArray(), back);
        Assert.NotEqual(BitConverter.ToUInt64(a.Config, 8), BitConverter.ToUInt64(b.Config, 8));    // devids differ
        Assert.Equal(BitConverter.ToUInt64(a.Config, 0), BitConverter.ToUInt64(b.Config, 0));       // one host, one gid
    }

    [Fact]
    public void Shmem_map_delivers_regions_with_the_device_rights_and_notify_reaches_the_peer_eventq()
    {
        using var bed = new IsmBed();
        using var a = bed.Guest();
        using var b = bed.Guest();
        Assert.Contains(a.Space.Views, v => v.Shmid == VhostUserIsm.NotifyShmid);
        Assert.DoesNotContain(a.Space.Views, v => v.Shmid == VhostUserIsm.RegionsShmid);
        var region = Alloc(a, 100)!.Value;
        Assert.Contains(a.Space.Views, v => v.Shmid == VhostUserIsm.RegionsShmid && v.Offset == region.Offset && v.Writable);
        Assert.False(b.TryRead(region.Offset, new byte[1]));                 // no reference, no mapping
        Attach(b, region.Token);
        ulong notifySize = BitConverter.ToUInt64(a.Config, 24), regionSize = BitConverter.ToUInt64(a.Config, 16);
        a.Notify(region.Offset / regionSize * notifySize);
        var events = b.TakeEvents();
        Assert.Single(events);
        Assert.True(VirtioIsmEvent.TryReadMessage(events[0], out var header, out var tail));
        Assert.Equal(region.Offset, VirtioIsmEvent.GetOffset(tail, 0));
        Assert.True(Detach(b, region.Offset));
        Assert.False(b.TryRead(region.Offset, new byte[1]));                 // SHMEM_UNMAP followed the DETACH
    }

    [Fact]
    public void A_front_end_that_disconnects_has_its_device_unplugged_and_its_regions_released()
    {
        using var bed = new IsmBed();
        using var keeper = bed.Guest();
        var a = bed.Guest();
        var region = Alloc(a, 4096)!.Value;
        Assert.Equal(1, bed.BackEnd.Host.RegionsInUse);
        a.Dispose();
        Assert.True(Eventually(() => bed.BackEnd.Host.RegionsInUse == 0), "the vanished guest's region is still in use");
        Assert.Null(Attach(keeper, region.Token));
        Assert.NotNull(Alloc(keeper, 4096));
    }

    [Fact]
    public void Reset_device_releases_references_and_keeps_the_devid()
    {
        using var bed = new IsmBed();
        using var a = bed.Guest();
        ulong devid = BitConverter.ToUInt64(a.Config, 8);
        Alloc(a, 4096);
        Assert.True(a.Negotiate(VirtioIsmSpec.VirtioIsmFEventVq));
        Assert.Equal(0, bed.BackEnd.Host.RegionsInUse);
        Assert.Equal(devid, BitConverter.ToUInt64(a.ReadConfig(), 8));
        Assert.NotNull(Alloc(a, 4096));
    }
}
