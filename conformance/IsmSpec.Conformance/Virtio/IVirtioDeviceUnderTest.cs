using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Conformance.Virtio;

/// <summary>
/// The device side of a split virtqueue under test (virtio 1.x §2.7). The suite plays the driver: it owns guest
/// memory, lays out the rings, walks the status handshake through <see cref="IVirtioDeviceInstance.Transport"/>,
/// posts chains (sometimes corrupt ones) and watches every byte the device writes.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyDevice : IVirtioDeviceUnderTest
/// {
///     public string Name => "my-device";
///     public IVirtioDeviceInstance Create() => new MyInstance();   // status 0, nothing set up
/// }
/// // MyInstance.Transport: status / features / config as in virtio 1.x §4.1.4.3;
/// // MyInstance.OpenQueue(memory, layout, start, interrupt): your ring engine over `memory` (only through TryGetSpan).
/// </code>
/// </example>
public interface IVirtioDeviceUnderTest
{
    string Name { get; }

    /// <summary>A fresh device: status 0, no queue. Called once per generated case.</summary>
    IVirtioDeviceInstance Create();
}

/// <summary>One device instance. Dispose releases it.</summary>
public interface IVirtioDeviceInstance : IDisposable
{
    /// <summary>Status, offered/accepted features and device configuration space (virtio 1.x §2.1, §2.2, §2.5).</summary>
    IVirtioTransport Transport { get; }

    /// <summary>Largest queue size the device accepts for queue 0 (common config queue_size, virtio 1.x §4.1.4.3).</summary>
    int MaxQueueSize { get; }

    /// <summary>
    /// Sets up queue 0 after FEATURES_OK (virtio 1.x §3.1.1 step 7) with the features accepted through
    /// <see cref="IVirtioDeviceInstance.Transport"/>. The device reaches guest memory only through
    /// <paramref name="memory"/> and signals used buffers through <paramref name="interrupt"/>. Both ring indices start
    /// at <paramref name="startIndex"/> (as vhost-user SET_VRING_BASE does; the suite uses it to reach 16-bit wrap-around).
    /// </summary>
    IVirtqDeviceQueue OpenQueue(IGuestMemory memory, VirtqLayout layout, ushort startIndex, INotifier interrupt);
}

/// <summary>What the device did with one chain it took from the available ring.</summary>
/// <param name="Head">The chain's head descriptor index.</param>
/// <param name="Readable">The device-readable bytes, in chain order.</param>
/// <param name="WritableBytes">Total length of the device-writable buffers.</param>
/// <param name="Written">Bytes of the response written into them (the used len <see cref="IVirtqDeviceQueue.Complete"/> reports).</param>
public sealed record VirtqPopped(ushort Head, byte[] Readable, ulong WritableBytes, uint Written);

/// <summary>The split-ring engine of queue 0 (virtio 1.x §2.7.6 available ring, §2.7.8 used ring, §2.7.7 suppression).</summary>
public interface IVirtqDeviceQueue
{
    /// <summary>
    /// Takes the next available chain: copies out its device-readable bytes and writes <paramref name="response"/>
    /// (as much as fits) into its device-writable buffers. The chain stays in flight until <see cref="Complete"/>.
    /// False when the ring is empty or the device stopped trusting the queue (it may then set DEVICE_NEEDS_RESET).
    /// </summary>
    bool TryPop(ReadOnlySpan<byte> response, out VirtqPopped? popped);

    /// <summary>Returns a popped chain on the used ring with len = bytes written (virtio 1.x §2.7.8).</summary>
    void Complete(ushort head);

    /// <summary>
    /// Sends a used buffer notification if the driver asked for one (virtio 1.x §2.7.7): with VIRTIO_F_EVENT_IDX when
    /// used idx moved past used_event since the previous call (vring_need_event), otherwise unless NO_INTERRUPT is set.
    /// </summary>
    void NotifyIfNeeded();
}
