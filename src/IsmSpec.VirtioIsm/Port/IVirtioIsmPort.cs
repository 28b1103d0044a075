using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Device;

namespace IsmSpec.VirtioIsm.Port;

/// <summary>
/// Everything a guest driver sees of one virtio-ism device: the common configuration (status, features, config
/// space), queue setup, guest RAM, the doorbell and interrupt, the shared memory regions and the vector table. The
/// reference driver, and later the conformance adapter, run against this; <see cref="LocalPort"/> implements it in
/// process, <c>Remote.RemotePort</c> from a second process.
/// </summary>
public interface IVirtioIsmPort : IVirtioTransport, IDisposable
{
    /// <summary>
    /// The virtio device id the transport reports (PCI device id / MMIO DeviceID): 43 for a version-1 device, 44 for a
    /// version-2 device. Drivers check it before negotiating (VISM2-DEC-GEN-MISMATCH).
    /// </summary>
    int DeviceId { get; }

    /// <summary>Guest RAM for the virtqueues and command buffers.</summary>
    IGuestMemory GuestMemory { get; }

    /// <summary>Driver → device notification (any queue, and the notify area).</summary>
    INotifier Doorbell { get; }

    /// <summary>Device → driver used-buffer / configuration-change interrupt.</summary>
    INotifier Interrupt { get; }

    /// <summary>Tells the device where queue <paramref name="index"/> lives (before DRIVER_OK).</summary>
    bool SetQueue(int index, VirtqLayout layout);

    /// <summary>The device's shared memory regions (virtio 1.x §2.10; draft statement 8: the driver queries them all).</summary>
    IReadOnlyList<ShmInfo> SharedMemory { get; }

    /// <summary>
    /// A view of <paramref name="length"/> bytes of the REGIONS memory at <paramref name="offset"/>. In process every
    /// access through the view is checked against the device's current rights (empty access throws).
    /// </summary>
    Memory<byte> MapRegions(ulong offset, ulong length, bool writable);

    /// <summary>The NOTIFY memory, written by the driver to kick a region.</summary>
    Span<byte> NotifyArea { get; }

    /// <summary>Programs interrupt vector <paramref name="vector"/>; false when the port has no such vector.</summary>
    bool BindVector(int vector, INotifier target);
}
