using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Notify;

namespace IsmSpec.Conformance.Virtio;

/// <summary>What a driver did through the transport, with the status at that moment.</summary>
public enum TransportOp { StatusWrite, StatusRead, FeaturesWrite, ConfigWrite, ConfigRead, GenerationRead, Kick }

public readonly record struct TransportEvent(TransportOp Op, ulong Value, VirtioDeviceStatus StatusAt)
{
    public override string ToString() => Op switch
    {
        TransportOp.StatusWrite or TransportOp.StatusRead => $"{Op}({(VirtioDeviceStatus)Value})",
        TransportOp.FeaturesWrite => $"{Op}(0x{Value:X})",
        _ => $"{Op} at {StatusAt}",
    };
}

/// <summary>
/// The suite's device side of status, features and config (virtio 1.x §2.1, §2.2, §2.5, §3.1.1): lenient — it stores
/// whatever the driver writes, so a wrong driver keeps running and every step is judged from <see cref="Log"/> — except
/// that it can refuse FEATURES_OK and can change its config (bumping config_generation) while the driver reads it.
/// </summary>
public sealed class SuiteTransport(ulong offered, byte[] config, bool refuseFeaturesOk = false) : IVirtioTransport, INotifier
{
    private VirtioDeviceStatus _status;
    private ulong _driverFeatures;
    private uint _generation;

    public List<TransportEvent> Log { get; } = [];

    /// <summary>How many of the next config reads race with a device-side config change (a torn read).</summary>
    public int RacingReads { get; set; }

    public byte[] Config => config;

    public VirtioDeviceStatus Status
    {
        get { Add(TransportOp.StatusRead, (ulong)_status); return _status; }
        set
        {
            Add(TransportOp.StatusWrite, (ulong)value);
            if (value == 0) { _status = 0; _driverFeatures = 0; return; }
            if (refuseFeaturesOk && (value & VirtioDeviceStatus.FeaturesOk) != 0 && (_status & VirtioDeviceStatus.FeaturesOk) == 0)
                value &= ~VirtioDeviceStatus.FeaturesOk;                     // §2.2.2: refuse by not setting it
            _status = value;
        }
    }

    public ulong DeviceFeatures => offered;

    public ulong DriverFeatures
    {
        get => _driverFeatures;
        set { Add(TransportOp.FeaturesWrite, value); _driverFeatures = value; }
    }

    public uint ConfigGeneration { get { Add(TransportOp.GenerationRead, _generation); return _generation; } }
    public int ConfigLength => config.Length;

    public void ReadConfig(int offset, Span<byte> destination)
    {
        Add(TransportOp.ConfigRead, (ulong)offset);
        int half = destination.Length / 2;
        config.AsSpan(offset, half).CopyTo(destination);
        if (RacingReads > 0)
        {
            RacingReads--;
            for (int i = 0; i < config.Length; i++) config[i] += 17;      // the device updates its config meanwhile
            _generation++;
        }
        config.AsSpan(offset + half, destination.Length - half).CopyTo(destination[half..]);
    }

    public bool WriteConfig(int offset, ReadOnlySpan<byte> source)
    {
        Add(TransportOp.ConfigWrite, (ulong)offset);
        source.CopyTo(config.AsSpan(offset));
        return true;
    }

    /// <summary>The driver's available-buffer notification (kick).</summary>
    public void Notify() => Add(TransportOp.Kick, 0);
    public bool Wait(int timeoutMs) => false;

    /// <summary>The accepted features as of the driver's last write before FEATURES_OK (what is negotiated).</summary>
    public ulong Negotiated => Log.LastOrDefault(e => e.Op == TransportOp.FeaturesWrite).Value;

    private void Add(TransportOp op, ulong value) => Log.Add(new TransportEvent(op, value, _status));
}
