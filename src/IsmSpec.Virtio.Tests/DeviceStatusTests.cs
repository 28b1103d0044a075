using IsmSpec.Specs.Virtio;

namespace IsmSpec.Virtio.Tests;

/// <summary>Device status handshake, feature negotiation and config generation (virtio 1.x §2.1, §2.2, §2.5, §3.1).</summary>
public class DeviceStatusTests
{
    private const ulong Offered = VirtioSpec.VirtioFVersion1 | VirtioSpec.VirtioFEventIdx | VirtioSpec.VirtioFIndirectDesc;

    [Fact]
    public void Handshake_negotiates_the_common_subset_and_reaches_driver_ok()
    {
        var device = new VirtioDeviceState(Offered, 8);
        ulong? features = VirtioDriverHandshake.Negotiate(device, VirtioSpec.VirtioFVersion1 | VirtioSpec.VirtioFEventIdx | VirtioSpec.VirtioFRingPacked, VirtioSpec.VirtioFVersion1);
        Assert.Equal(VirtioSpec.VirtioFVersion1 | VirtioSpec.VirtioFEventIdx, features);
        Assert.True(VirtioDriverHandshake.Finish(device));
        Assert.Equal(VirtioDeviceStatus.Acknowledge | VirtioDeviceStatus.Driver | VirtioDeviceStatus.FeaturesOk | VirtioDeviceStatus.DriverOk, device.Status);
        Assert.Equal(features, device.NegotiatedFeatures);
    }

    [Fact]
    public void Device_refuses_features_it_did_not_offer_or_whose_dependency_is_missing()
    {
        var device = new VirtioDeviceState(Offered, 8, null, (VirtioSpec.VirtioFEventIdx, VirtioSpec.VirtioFVersion1));
        device.Status = VirtioDeviceStatus.Acknowledge;
        device.Status = VirtioDeviceStatus.Acknowledge | VirtioDeviceStatus.Driver;
        device.DriverFeatures = VirtioSpec.VirtioFRingPacked;
        device.Status |= VirtioDeviceStatus.FeaturesOk;
        Assert.Equal(0, (int)(device.Status & VirtioDeviceStatus.FeaturesOk));
        device.DriverFeatures = VirtioSpec.VirtioFEventIdx; // without VERSION_1, on which it depends here
        device.Status |= VirtioDeviceStatus.FeaturesOk;
        Assert.Equal(0, (int)(device.Status & VirtioDeviceStatus.FeaturesOk));
        Assert.Null(VirtioDriverHandshake.Negotiate(device, VirtioSpec.VirtioFEventIdx, VirtioSpec.VirtioFVersion1 | VirtioSpec.VirtioFRingPacked));
        Assert.True((device.Status & VirtioDeviceStatus.Failed) != 0);
    }

    [Fact]
    public void Out_of_order_status_writes_are_refused_and_reset_clears_everything()
    {
        var device = new VirtioDeviceState(Offered, 8);
        Assert.False(device.TrySetStatus(VirtioDeviceStatus.Driver));               // DRIVER before ACKNOWLEDGE
        Assert.True(device.TrySetStatus(VirtioDeviceStatus.Acknowledge));
        Assert.False(device.TrySetStatus(VirtioDeviceStatus.Acknowledge | VirtioDeviceStatus.DriverOk));
        Assert.True(device.TrySetStatus(VirtioDeviceStatus.Acknowledge | VirtioDeviceStatus.Driver));
        Assert.False(device.WriteConfig(0, new byte[] { 1 }));                       // no config writes before FEATURES_OK
        device.DriverFeatures = VirtioSpec.VirtioFVersion1;
        Assert.True(device.TrySetStatus(VirtioDeviceStatus.Acknowledge | VirtioDeviceStatus.Driver | VirtioDeviceStatus.FeaturesOk));
        Assert.False(device.TrySetStatus(VirtioDeviceStatus.Acknowledge));           // clearing bits needs a reset
        Assert.False(device.TrySetStatus(device.Status | VirtioDeviceStatus.Suspend)); // SUSPEND not negotiated
        device.DriverFeatures = VirtioSpec.VirtioFEventIdx;                           // ignored after FEATURES_OK
        Assert.Equal(VirtioSpec.VirtioFVersion1, device.NegotiatedFeatures);
        bool resetSeen = false;
        device.Reset += () => resetSeen = true;
        device.SignalNeedsReset();
        Assert.True((device.Status & VirtioDeviceStatus.DeviceNeedsReset) != 0);
        Assert.True(device.TrySetStatus(device.Status | VirtioDeviceStatus.DriverOk)); // NEEDS_RESET is device-owned, kept
        Assert.True((device.Status & VirtioDeviceStatus.DeviceNeedsReset) != 0);
        device.Status = 0;
        Assert.Equal((VirtioDeviceStatus)0, device.Status);
        Assert.Equal(0UL, device.DriverFeatures);
        Assert.True(resetSeen);
        // renegotiating the same set after reset works (VIRTIO-FEAT-RENEGOTIATE)
        Assert.Equal(VirtioSpec.VirtioFVersion1, VirtioDriverHandshake.Negotiate(device, VirtioSpec.VirtioFVersion1));
    }

    [Fact]
    public void Config_reads_retry_until_the_generation_is_stable()
    {
        var device = new VirtioDeviceState(Offered, 16);
        device.UpdateConfig(0, BitConverter.GetBytes(0x1111_2222_3333_4444UL));
        Assert.Equal(1u, device.ConfigGeneration);
        int racing = 2;
        device.BeforeConfigRead = () =>
        {
            if (racing-- > 0) device.UpdateConfig(0, BitConverter.GetBytes(0xAAAA_BBBB_CCCC_DDDDUL));
        };
        var buffer = new byte[8];
        Assert.True(VirtioDriverHandshake.ReadConfigConsistent(device, 0, buffer));
        Assert.Equal(0xAAAA_BBBB_CCCC_DDDDUL, BitConverter.ToUInt64(buffer));
        Assert.Equal(3u, device.ConfigGeneration);
    }
}
