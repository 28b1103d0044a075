using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>Configuration and initialization rules (draft statements 1, 2, 4-10) and the identity decisions.</summary>
public class ConfigTests
{
    [Fact]
    [Trait("Requirement", Ids.VismCfgGidStable)]
    [Trait("Requirement", Ids.VismDecGidDerived)]
    public async Task VISM_CFG_GID_STABLE_same_host_same_gid_other_host_other_gid()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        Assert.Equal(bed.Host.Gid, a.Driver.Gid);
        Assert.Equal(a.Driver.Gid, b.Driver.Gid);
        using var again = new IsmHost(IsmBed.Options());
        using var other = new IsmHost(IsmBed.Options() with { HostName = "other" });
        Assert.Equal(bed.Host.Gid, again.Gid);
        Assert.NotEqual(bed.Host.Gid, other.Gid);
        Assert.NotEqual(0UL, other.Gid);
    }

    [Fact]
    [Trait("Requirement", Ids.VismCfgDevidUnique)]
    [Trait("Requirement", Ids.VismInitDevidNonzero)]
    [Trait("Requirement", Ids.VismInitDevidFresh)]
    [Trait("Requirement", Ids.VismDecDevidInstance)]
    public void VISM_CFG_DEVID_UNIQUE_every_instance_new_nonzero_never_reused()
    {
        using var host = new IsmHost(IsmBed.Options());
        var seen = new HashSet<ulong>();
        Span<byte> raw = stackalloc byte[VirtioIsmConfig.Size];
        for (int i = 0; i < 20; i++)
        {
            var device = host.CreateDevice();
            Assert.NotEqual(0UL, device.Devid);
            Assert.True(seen.Add(device.Devid));
            device.State.ReadConfig(0, raw);
            VirtioIsmConfig.TryRead(raw, out var config);
            Assert.Equal(device.Devid, config.Devid);
            if (i % 2 == 0) device.Dispose();                     // unplugged devids are not handed out again
        }
    }

    [Fact]
    [Trait("Requirement", Ids.VismInitDevidResetStable)]
    public async Task VISM_INIT_DEVID_RESET_STABLE_reset_keeps_devid()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        ulong before = a.Driver.Devid;
        a.Port.Status = 0;
        Span<byte> raw = stackalloc byte[VirtioIsmConfig.Size];
        a.Port.ReadConfig(0, raw);
        VirtioIsmConfig.TryRead(raw, out var config);
        Assert.Equal(before, config.Devid);
        Assert.Equal(IsmBed.RegionSize, config.RegionSize);
    }

    [Fact]
    [Trait("Requirement", Ids.VismInitShmidKnown)]
    [Trait("Requirement", Ids.VismInitNotifyShm)]
    [Trait("Requirement", Ids.VismInitDrvQueryShm)]
    public async Task VISM_INIT_SHMID_KNOWN_and_NOTIFY_SHM_regions_and_notify_memory()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var shm = a.Port.SharedMemory;
        Assert.All(shm, s => Assert.True(VirtioIsmShmIdInfo.IsDefined(s.Id) && s.Id != VirtioIsmShmId.Undefined));
        Assert.Equal(8 * IsmBed.RegionSize, shm.Single(s => s.Id == VirtioIsmShmId.Regions).Length);
        Assert.Equal(8 * bed.Host.Options.NotifySize, shm.Single(s => s.Id == VirtioIsmShmId.Notify).Length);
        Assert.Equal(8 * IsmBed.RegionSize, a.Driver.RegionsLength);
    }

    [Fact]
    [Trait("Requirement", Ids.VismInitDrvEventq)]
    [Trait("Requirement", Ids.VismInitDrvEventIrq)]
    public async Task VISM_INIT_DRV_EVENTQ_and_EVENT_IRQ_driver_negotiates_and_sets_up()
    {
        await using var bed = new IsmBed();
        var plain = bed.AddGuest(new VirtioIsmDriverOptions { EventQueue = false });
        var both = bed.AddGuest(new VirtioIsmDriverOptions { Vectors = 4 });
        Assert.Equal(0UL, plain.Driver.NegotiatedFeatures & (VirtioIsmSpec.VirtioIsmFEventVq | VirtioIsmSpec.VirtioIsmFEventIrq));
        Assert.NotEqual(0UL, both.Driver.NegotiatedFeatures & VirtioIsmSpec.VirtioIsmFEventVq);
        Assert.NotEqual(0UL, both.Driver.NegotiatedFeatures & VirtioIsmSpec.VirtioIsmFEventIrq);
        Assert.True((both.Port.Status & VirtioDeviceStatus.DriverOk) != 0);
        // a command round trip proves both queues were accepted (the device builds them at DRIVER_OK)
        Assert.True((await both.Driver.AllocAsync(64)).IsOk);
    }
}
