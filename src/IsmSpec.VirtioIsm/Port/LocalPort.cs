using IsmSpec.Specs.VirtioIsm;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Device;

namespace IsmSpec.VirtioIsm.Port;

/// <summary>
/// In-process port onto a device: the transport calls go straight to <see cref="VirtioIsmDevice.State"/>, and region
/// views are guarded by the host's rights for this device (read needs READ, write needs WRITE, both need a reference).
/// Several ports on several devices of one host = several guests.
/// </summary>
public sealed unsafe class LocalPort : IVirtioIsmPort
{
    private readonly VirtioIsmDevice _device;

    public LocalPort(VirtioIsmDevice device) => _device = device;

    public VirtioIsmDevice Device => _device;

    public Specs.Virtio.VirtioDeviceStatus Status { get => _device.State.Status; set => _device.State.Status = value; }
    public ulong DeviceFeatures => _device.State.DeviceFeatures;
    public ulong DriverFeatures { get => _device.State.DriverFeatures; set => _device.State.DriverFeatures = value; }
    public uint ConfigGeneration => _device.State.ConfigGeneration;
    public int ConfigLength => _device.State.ConfigLength;
    public void ReadConfig(int offset, Span<byte> destination) => _device.State.ReadConfig(offset, destination);
    public bool WriteConfig(int offset, ReadOnlySpan<byte> source) => _device.State.WriteConfig(offset, source);

    public int DeviceId => _device.DeviceId;
    public IGuestMemory GuestMemory => _device.GuestMemory;
    public INotifier Doorbell => _device.Doorbell;
    public INotifier Interrupt => _device.Interrupt;
    public bool SetQueue(int index, VirtqLayout layout) => _device.SetQueue(index, layout);
    public IReadOnlyList<ShmInfo> SharedMemory => _device.SharedMemory;
    public Span<byte> NotifyArea => _device.NotifyArea.Span;
    public bool BindVector(int vector, INotifier target) => _device.Vectors.Bind(vector, target);

    public Memory<byte> MapRegions(ulong offset, ulong length, bool writable)
    {
        var host = _device.Host;
        ulong size = host.Options.RegionSize;
        if (!host.TrySlot(offset - offset % size, out int slot) || length > size - offset % size)
            throw new ArgumentOutOfRangeException(nameof(offset), "the range leaves its region");
        var need = writable ? VirtioIsmPerm.Write : VirtioIsmPerm.Read;
        ulong devid = _device.Devid;
        fixed (byte* start = host.Regions.Span)
        {
            var manager = new RegionMemoryManager(start + offset, (int)length, () => (host.Access(devid, slot) & need) != 0);
            return manager.View;
        }
    }

    public void Dispose() { }
}
