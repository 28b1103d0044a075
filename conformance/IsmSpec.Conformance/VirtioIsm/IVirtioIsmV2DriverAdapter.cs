using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Device;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// A version-2 (chunk/area) virtio-ism driver under test (the VISM2 driver-role requirements). The suite hands it a
/// port onto a reference device, sometimes one it must refuse (another device id, a chunk_size that is not a power of
/// two); the driver initializes the device through the port, allocates regions and notifies them on request.
/// </summary>
public interface IVirtioIsmV2DriverAdapter
{
    string Name { get; }

    /// <summary>Initializes the device behind <paramref name="port"/>; throws (any exception) when the driver refuses the device.</summary>
    IVirtioIsmV2DriverUnderTest Connect(IVirtioIsmPort port);
}

/// <summary>A connected version-2 driver; disposing it stops the driver.</summary>
public interface IVirtioIsmV2DriverUnderTest : IDisposable
{
    /// <summary>ALLOC of <paramref name="size"/> bytes; null when the device refused.</summary>
    IVirtioIsmV2DriverRegion? Alloc(ulong size);
}

/// <summary>A region the driver holds.</summary>
public interface IVirtioIsmV2DriverRegion
{
    ulong Token { get; }

    /// <summary>The driver notifies the region's peers (Gen-B kick).</summary>
    void Notify();
}

/// <summary>The reference chunk/area driver (<see cref="ChunkAreaDriver"/>, src/IsmSpec.VirtioIsm) as the driver under test.</summary>
public sealed class ReferenceV2DriverAdapter : IVirtioIsmV2DriverAdapter
{
    public string Name => "virtio-ism v2 reference driver";

    public IVirtioIsmV2DriverUnderTest Connect(IVirtioIsmPort port) =>
        new Connected(ChunkAreaDriver.Connect(port, new VirtioIsmDriverOptions { CommandTimeout = TimeSpan.FromSeconds(5) }), port);

    private sealed class Connected(ChunkAreaDriver driver, IVirtioIsmPort port) : IVirtioIsmV2DriverUnderTest
    {
        public IVirtioIsmV2DriverRegion? Alloc(ulong size) => driver.AllocAsync(size).GetAwaiter().GetResult() is { IsOk: true } r ? new Region(r.Value) : null;

        public void Dispose()
        {
            var stopping = driver.DisposeAsync();
            port.Interrupt.Notify();          // wakes the interrupt thread at once
            stopping.AsTask().GetAwaiter().GetResult();
        }
    }

    private sealed class Region(ChunkAreaRegion region) : IVirtioIsmV2DriverRegion
    {
        public ulong Token => region.Token;
        public void Notify() => region.Notify();
    }
}

/// <summary>
/// The port the version-2 driver properties hand out: a running reference device that can claim another device id
/// and another chunk_size, records every status write, and keeps the NOTIFY memory to itself (so the suite sees
/// exactly which bytes the driver marked; the device never consumes them).
/// </summary>
internal sealed class ProbePort(VirtioIsmDevice device, int? deviceId = null, ulong? chunkSize = null) : IVirtioIsmPort
{
    private readonly LocalPort _inner = new(device);
    private readonly byte[] _notify = new byte[device.NotifyArea.Length];

    public List<VirtioDeviceStatus> StatusWrites { get; } = [];
    public byte[] Marks => _notify;
    public bool DriverOkSet => StatusWrites.Any(s => (s & VirtioDeviceStatus.DriverOk) != 0);

    public VirtioDeviceStatus Status
    {
        get => _inner.Status;
        set { lock (StatusWrites) StatusWrites.Add(value); _inner.Status = value; }
    }

    public ulong DeviceFeatures => _inner.DeviceFeatures;
    public ulong DriverFeatures { get => _inner.DriverFeatures; set => _inner.DriverFeatures = value; }
    public uint ConfigGeneration => _inner.ConfigGeneration;
    public int ConfigLength => _inner.ConfigLength;

    public void ReadConfig(int offset, Span<byte> destination)
    {
        _inner.ReadConfig(offset, destination);
        if (chunkSize is not { } chunk) return;
        Span<byte> field = stackalloc byte[8];
        BitConverter.TryWriteBytes(field, chunk);
        for (int i = 0; i < destination.Length; i++)
            if (offset + i is >= 16 and < 24) destination[i] = field[offset + i - 16];
    }

    public bool WriteConfig(int offset, ReadOnlySpan<byte> source) => _inner.WriteConfig(offset, source);
    public int DeviceId => deviceId ?? _inner.DeviceId;
    public IGuestMemory GuestMemory => _inner.GuestMemory;
    public INotifier Doorbell => _inner.Doorbell;
    public INotifier Interrupt => _inner.Interrupt;
    public bool SetQueue(int index, VirtqLayout layout) => _inner.SetQueue(index, layout);
    public IReadOnlyList<ShmInfo> SharedMemory => _inner.SharedMemory;
    public Memory<byte> MapRegions(ulong offset, ulong length, bool writable) => _inner.MapRegions(offset, length, writable);
    public Span<byte> NotifyArea => _notify;
    public bool BindVector(int vector, INotifier target) => _inner.BindVector(vector, target);
    public void Dispose() => _inner.Dispose();
}
