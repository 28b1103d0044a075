using IsmSpec.Specs.Virtio;

namespace IsmSpec.Virtio;

/// <summary>
/// What a driver sees of a device's common configuration (virtio 1.x §4.1.4.3 Common configuration structure layout,
/// reduced to the fields the handshake and config space need). <see cref="VirtioDeviceState"/> implements it in process.
/// </summary>
public interface IVirtioTransport
{
    /// <summary>The device status field (virtio 1.x §2.1). Writing 0 resets the device.</summary>
    VirtioDeviceStatus Status { get; set; }

    /// <summary>Feature bits the device offers (virtio 1.x §2.2).</summary>
    ulong DeviceFeatures { get; }

    /// <summary>Feature bits the driver accepted; written before FEATURES_OK.</summary>
    ulong DriverFeatures { get; set; }

    /// <summary>Changes whenever the device changes its configuration space (virtio 1.x §2.5.1).</summary>
    uint ConfigGeneration { get; }

    int ConfigLength { get; }

    /// <summary>Copies config bytes from <paramref name="offset"/>; reading is allowed at any time (VIRTIO-CFG-READABLE-EARLY).</summary>
    void ReadConfig(int offset, Span<byte> destination);

    /// <summary>Driver write to config space; false when refused (before FEATURES_OK, VIRTIO-INIT-NO-CONFIG-WRITE).</summary>
    bool WriteConfig(int offset, ReadOnlySpan<byte> source);
}
