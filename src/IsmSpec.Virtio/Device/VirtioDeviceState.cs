using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Notify;

namespace IsmSpec.Virtio;

/// <summary>
/// The device side of status, feature negotiation and configuration space (virtio 1.x §2.1 Device Status Field,
/// §2.2 Feature Bits, §2.5 Device Configuration Space). It enforces the driver's ordering rules by refusing writes that
/// break them, and raises DEVICE_NEEDS_RESET for its queues (<see cref="SignalNeedsReset"/>). Thread-safe (one lock).
/// </summary>
public sealed class VirtioDeviceState : IVirtioTransport
{
    private readonly object _gate = new();
    private readonly byte[] _config;
    private readonly INotifier? _configChanged;
    private VirtioDeviceStatus _status;
    private ulong _driverFeatures;
    private uint _generation;

    /// <param name="deviceFeatures">Offered features; offer only what the device honours (VIRTIO-FEAT-DEVICE-HONOUR).</param>
    /// <param name="configLength">Size of the device-specific configuration space.</param>
    /// <param name="configChanged">Configuration change notification (virtio 1.x §2.5), also used for DEVICE_NEEDS_RESET.</param>
    /// <param name="featureDependencies">Pairs (feature, required feature): a driver accepting the first without the second is refused.</param>
    public VirtioDeviceState(ulong deviceFeatures, int configLength, INotifier? configChanged = null, params (ulong Feature, ulong Requires)[] featureDependencies)
    {
        DeviceFeatures = deviceFeatures;
        _config = new byte[configLength];
        _configChanged = configChanged;
        FeatureDependencies = featureDependencies;
    }

    public ulong DeviceFeatures { get; }
    public (ulong Feature, ulong Requires)[] FeatureDependencies { get; }
    public int ConfigLength => _config.Length;

    /// <summary>Raised (outside the lock) after a reset, so queues can be torn down.</summary>
    public event Action? Reset;

    public VirtioDeviceStatus Status
    {
        get { lock (_gate) return _status; }
        set { if (value == 0) DoReset(); else TrySetStatus(value); }
    }

    public ulong DriverFeatures
    {
        get { lock (_gate) return _driverFeatures; }
        set
        {
            lock (_gate)
            {
                // virtio 1.x §3.1.1 step 4: features are written after DRIVER and before FEATURES_OK; later writes are ignored.
                if ((_status & VirtioDeviceStatus.Driver) == 0 || (_status & VirtioDeviceStatus.FeaturesOk) != 0) return;
                _driverFeatures = value;
            }
        }
    }

    /// <summary>The features in force after FEATURES_OK (0 before).</summary>
    public ulong NegotiatedFeatures { get { lock (_gate) return (_status & VirtioDeviceStatus.FeaturesOk) != 0 ? _driverFeatures : 0; } }

    public bool DriverOk => (Status & VirtioDeviceStatus.DriverOk) != 0;

    public uint ConfigGeneration { get { lock (_gate) return _generation; } }

    /// <summary>Applies a driver write of the status field; false (status unchanged) when it breaks virtio 1.x §2.1.2/§3.1.1.</summary>
    public bool TrySetStatus(VirtioDeviceStatus value)
    {
        lock (_gate)
        {
            const VirtioDeviceStatus deviceOwned = VirtioDeviceStatus.DeviceNeedsReset;
            var requested = (value & ~deviceOwned) | (_status & deviceOwned);
            if ((requested & _status) != _status) return false;                // only reset clears bits
            if ((value & ~(VirtioDeviceStatus)VirtioDeviceStatusInfo.AllBits) != 0) return false;
            if (Has(requested, VirtioDeviceStatus.Driver) && !Has(requested, VirtioDeviceStatus.Acknowledge)) return false;
            if (Has(requested, VirtioDeviceStatus.FeaturesOk) && !Has(requested, VirtioDeviceStatus.Driver)) return false;
            if (Has(requested, VirtioDeviceStatus.DriverOk) && !Has(requested, VirtioDeviceStatus.FeaturesOk)) return false;
            if (Has(requested, VirtioDeviceStatus.Suspend)
                && ((_driverFeatures & VirtioSpec.VirtioFSuspend) == 0 || !Has(requested, VirtioDeviceStatus.FeaturesOk)))
                return false;                                                  // VIRTIO-STATUS-SUSPEND-NEEDS-FEATURE
            if (Has(requested, VirtioDeviceStatus.FeaturesOk) && !Has(_status, VirtioDeviceStatus.FeaturesOk) && !FeaturesAcceptable(_driverFeatures))
                requested &= ~VirtioDeviceStatus.FeaturesOk;                   // §2.2.2: refuse by leaving FEATURES_OK clear
            _status = requested;
            return true;
        }
    }

    /// <summary>Accepts any offered subset that respects the declared dependencies (VIRTIO-FEAT-DEVICE-ACCEPT-SUBSET).</summary>
    public bool FeaturesAcceptable(ulong features)
    {
        if ((features & ~DeviceFeatures) != 0) return false;                   // VIRTIO-FEAT-DRIVER-SUBSET
        foreach (var (feature, requires) in FeatureDependencies)
            if ((features & feature) != 0 && (features & requires) != requires) return false;
        return true;
    }

    /// <summary>Device-side error (virtio 1.x §2.1.2): sets DEVICE_NEEDS_RESET and notifies the driver of a config change.</summary>
    public void SignalNeedsReset()
    {
        lock (_gate) _status |= VirtioDeviceStatus.DeviceNeedsReset;
        _configChanged?.Notify();
    }

    public void ReadConfig(int offset, Span<byte> destination)
    {
        BeforeConfigRead?.Invoke();
        lock (_gate) _config.AsSpan(offset, destination.Length).CopyTo(destination);
    }

    public bool WriteConfig(int offset, ReadOnlySpan<byte> source)
    {
        lock (_gate)
        {
            if (!Has(_status, VirtioDeviceStatus.FeaturesOk)) return false;   // VIRTIO-INIT-NO-CONFIG-WRITE
            source.CopyTo(_config.AsSpan(offset, source.Length));
            return true;
        }
    }

    /// <summary>Device-side config change: writes the bytes, bumps the generation (virtio 1.x §2.5.1), notifies the driver.</summary>
    public void UpdateConfig(int offset, ReadOnlySpan<byte> source)
    {
        lock (_gate)
        {
            source.CopyTo(_config.AsSpan(offset, source.Length));
            _generation++;
        }
        _configChanged?.Notify();
    }

    /// <summary>Test hook: bumps the generation in the middle of a driver read, as a device racing with it would.</summary>
    internal Action? BeforeConfigRead;

    private void DoReset()
    {
        lock (_gate)
        {
            _status = 0;                                                        // VIRTIO-STATUS-RESET-ZERO
            _driverFeatures = 0;
        }
        Reset?.Invoke();
    }

    private static bool Has(VirtioDeviceStatus value, VirtioDeviceStatus bit) => (value & bit) != 0;
}
