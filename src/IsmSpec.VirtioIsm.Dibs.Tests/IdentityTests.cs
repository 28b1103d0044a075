using System.Buffers.Binary;

namespace IsmSpec.VirtioIsm.Dibs.Tests;

/// <summary>Identity ops of the virtio-ism DIBS device: fabric id, GID layout, query_remote_gid, max_dmbs, optional ops.</summary>
public class IdentityTests
{
    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevFabricId)]
    public void Fabric_id_is_in_the_virtio_ism_chid_range_and_shared_by_the_devices_of_one_host()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        var id = a.Vism.GetFabricId(a.Dev);
        Assert.InRange(id, (ushort)0xFF00, (ushort)0xFFFE);                       // rule 78
        Assert.Equal(id, b.Vism.GetFabricId(b.Dev));
        Assert.Equal(VirtioIsmDibsGid.FabricId(bed.Host.Gid), id);
        Assert.Equal($"0x{id:x4}", a.Dev.FabricIdString);
        for (ulong gid = 0; gid < 2000; gid += 7)
            Assert.InRange(VirtioIsmDibsGid.FabricId(gid * 0x9E3779B97F4A7C15UL), (ushort)0xFF00, (ushort)0xFFFE);
    }

    [Fact]
    public void Gid_is_the_host_gid_then_the_devid_both_big_endian()
    {
        using var bed = new VismBed();
        var a = bed.AddGuest();
        Assert.Equal(bed.Host.Gid, BinaryPrimitives.ReadUInt64BigEndian(a.Gid));
        Assert.Equal(a.Driver.Devid, BinaryPrimitives.ReadUInt64BigEndian(a.Gid.AsSpan(8)));
        Assert.True(VirtioIsmDibsGid.TryParse(a.Gid, out var host, out var devid));
        Assert.Equal((bed.Host.Gid, a.Driver.Devid), (host, devid));
        Assert.False(VirtioIsmDibsGid.TryParse(new byte[16], out _, out _));
        Assert.False(VirtioIsmDibsGid.TryParse(new byte[8], out _, out _));
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevQueryRgid)]
    public void Query_remote_gid_reaches_every_device_of_the_same_host_and_nothing_else()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        Assert.Equal(0, a.Vism.QueryRemoteGid(a.Dev, b.Gid, 0, 0));
        Assert.Equal(0, a.Vism.QueryRemoteGid(a.Dev, a.Gid, 0, 0));                // own GID: local copy
        Assert.Equal(0, b.Vism.QueryRemoteGid(b.Dev, a.Gid, 1, 42));               // vlan ignored
        using var other = new VismBed(hostName: "another-host");
        var c = other.AddGuest();
        Assert.Equal(-Errno.ENETUNREACH, a.Vism.QueryRemoteGid(a.Dev, c.Gid, 0, 0));
        Assert.Equal(-Errno.ENETUNREACH, a.Vism.QueryRemoteGid(a.Dev, VirtioIsmDibsGid.Create(bed.Host.Gid, 0), 0, 0));
        Assert.Equal(-Errno.ENETUNREACH, a.Vism.QueryRemoteGid(a.Dev, new byte[16], 0, 0));
        Assert.Equal(-Errno.ENETUNREACH, a.Vism.QueryRemoteGid(a.Dev, a.Gid.AsSpan(0, 8), 0, 0));
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevMaxDmbsConst)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLayerDevAddClientTable)]
    public void Max_dmbs_is_1920_and_sizes_the_layer_table()
    {
        using var bed = new VismBed();
        var a = bed.AddGuest();
        Assert.Equal(1920, a.Vism.MaxDmbs());
        Assert.Equal(1920, a.Dev.ClientTableLength);
        var small = bed.AddGuest(new VirtioIsmDibsOptions { MaxDmbs = 3, Name = "small" });
        Assert.Equal(3, small.Vism.MaxDmbs());
        Assert.Equal("small", small.Dev.Name);
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevMmappedTrio)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevOptionalOps)]
    public void The_mmapped_trio_is_offered_and_no_vlan_or_signal_event_op()
    {
        using var bed = new VismBed();
        var a = bed.AddGuest();
        Assert.NotNull(a.Dev.Mmapped);
        Assert.Equal(1, a.Vism.SupportMmappedRdmb(a.Dev));
        Assert.IsNotAssignableFrom<IDibsDevOpsAddVlanId<DibsDevice, DibsClient>>(a.Vism);
        Assert.IsNotAssignableFrom<IDibsDevOpsDelVlanId<DibsDevice, DibsClient>>(a.Vism);
        Assert.IsNotAssignableFrom<IDibsDevOpsSignalEvent<DibsDevice, DibsClient>>(a.Vism);
        Assert.IsAssignableFrom<IDibsDmbMemory>(a.Vism);
    }
}
