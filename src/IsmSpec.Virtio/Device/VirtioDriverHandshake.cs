using IsmSpec.Specs.Virtio;

namespace IsmSpec.Virtio;

/// <summary>
/// The driver's side of device initialization (virtio 1.x §3.1.1 Driver Requirements: Device Initialization;
/// VIRTIO-INIT-ORDER) and of reading multi-field configuration (virtio 1.x §2.5.1; VIRTIO-CFG-GENERATION-LOOP).
/// </summary>
public static class VirtioDriverHandshake
{
    /// <summary>
    /// Reset, ACKNOWLEDGE, DRIVER, accept (offered ∩ <paramref name="driverFeatures"/>), FEATURES_OK and re-check it.
    /// Returns the negotiated features, or null after setting FAILED when the device refused them (VIRTIO-INIT-FAILED).
    /// The caller then sets up its queues and calls <see cref="Finish"/>.
    /// </summary>
    public static ulong? Negotiate(IVirtioTransport transport, ulong driverFeatures, ulong requiredFeatures = 0)
    {
        transport.Status = 0;
        if (transport.Status != 0) return Fail(transport);
        transport.Status = VirtioDeviceStatus.Acknowledge;
        transport.Status = VirtioDeviceStatus.Acknowledge | VirtioDeviceStatus.Driver;
        ulong accepted = transport.DeviceFeatures & driverFeatures;             // VIRTIO-FEAT-DRIVER-SUBSET
        if ((accepted & requiredFeatures) != requiredFeatures) return Fail(transport);
        transport.DriverFeatures = accepted;
        transport.Status = transport.Status | VirtioDeviceStatus.FeaturesOk;
        if ((transport.Status & VirtioDeviceStatus.FeaturesOk) == 0) return Fail(transport); // VIRTIO-INIT-FEATURES-OK-RECHECK
        return accepted;
    }

    /// <summary>Sets DRIVER_OK once the queues are set up; only then may the driver kick (VIRTIO-INIT-NO-KICK-BEFORE-DRIVER-OK).</summary>
    public static bool Finish(IVirtioTransport transport)
    {
        transport.Status = transport.Status | VirtioDeviceStatus.DriverOk;
        return (transport.Status & VirtioDeviceStatus.DriverOk) != 0;
    }

    /// <summary>Reads config bytes until config_generation is the same before and after (at most <paramref name="maxAttempts"/>).</summary>
    public static bool ReadConfigConsistent(IVirtioTransport transport, int offset, Span<byte> destination, int maxAttempts = 100)
    {
        for (int attempt = 0; attempt < maxAttempts; attempt++)
        {
            uint before = transport.ConfigGeneration;
            transport.ReadConfig(offset, destination);
            if (transport.ConfigGeneration == before) return true;
        }
        return false;
    }

    private static ulong? Fail(IVirtioTransport transport)
    {
        transport.Status = transport.Status | VirtioDeviceStatus.Failed;
        return null;
    }
}
