using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Notify;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Conformance.Virtio;

/// <summary>
/// The driver side of a split virtqueue under test (virtio 1.x §2.7.13, §2.7.14, §3.1.1). The suite plays the device:
/// it answers the status handshake through a recording transport, consumes the driver's available ring, completes
/// buffers on the used ring and raises (sometimes spurious) interrupts, watching every byte the driver writes.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyDriver : IVirtioDriverUnderTest
/// {
///     public string Name => "my-driver";
///     public ulong KnownFeatures => VirtioSpec.VirtioFVersion1 | VirtioSpec.VirtioFEventIdx;
///     public IReadOnlyList&lt;(ulong, ulong)&gt; FeatureDependencies => [];
///     public IVirtioDriverInstance Create(VirtioDriverEnvironment env) => new MyInstance(env);
/// }
/// </code>
/// </example>
public interface IVirtioDriverUnderTest
{
    string Name { get; }

    /// <summary>The feature bits the driver knows and may accept (virtio 1.x §2.2).</summary>
    ulong KnownFeatures { get; }

    /// <summary>(feature, required feature) pairs of the driver's device type: accepting the first needs the second (§2.2.1).</summary>
    IReadOnlyList<(ulong Feature, ulong Requires)> FeatureDependencies { get; }

    /// <summary>A fresh driver bound to the suite's device. Called once per generated case.</summary>
    IVirtioDriverInstance Create(VirtioDriverEnvironment environment);
}

/// <summary>
/// What the suite's device gives a driver: its transport, guest memory (rings, buffers and indirect tables all live
/// here, allocated by the driver), the available-buffer notification, the size of queue 0, the index both rings
/// start at (a test hook to reach 16-bit wrap-around), and the largest buffer and chain the suite will ask for.
/// </summary>
public sealed record VirtioDriverEnvironment(
    IVirtioTransport Transport, IGuestMemory Memory, INotifier Kick, ushort QueueSize, ushort StartIndex, int MaxBufferBytes, int MaxChainBuffers);

/// <summary>One used buffer the driver took back (virtio 1.x §2.7.14): head, used len, and the bytes its writable buffers hold (up to len).</summary>
public sealed record VirtqCompletion(ushort Head, uint Length, byte[] Data);

/// <summary>One driver instance. Dispose releases it.</summary>
public interface IVirtioDriverInstance : IDisposable
{
    /// <summary>
    /// Device initialization (virtio 1.x §3.1.1) through the transport, queue 0 set up in guest memory, DRIVER_OK last.
    /// Returns the queue's layout (what a driver writes into queue_desc/driver/device), or null when it gave up.
    /// </summary>
    VirtqLayout? Initialize();

    /// <summary>Makes one chain available (§2.7.13): readable buffers holding <paramref name="readable"/>, then writable
    /// buffers of <paramref name="writable"/> bytes. False when the driver cannot (ring full, chain too long, not initialized).</summary>
    bool TryAdd(IReadOnlyList<byte[]> readable, IReadOnlyList<int> writable, out ushort head);

    /// <summary>Notifies the device of new available buffers if it asked for that (§2.7.13.4, §2.7.10).</summary>
    void Kick();

    /// <summary>A used buffer notification — maybe a spurious one (§2.7.7): the driver takes every new used buffer.</summary>
    IReadOnlyList<VirtqCompletion> OnInterrupt();

    /// <summary>Asks the device not to interrupt (NO_INTERRUPT, or used_event left behind with EVENT_IDX; §2.7.7).</summary>
    void DisableInterrupts();

    /// <summary>Asks for interrupts again.</summary>
    void EnableInterrupts();

    /// <summary>Reads device configuration bytes (a multi-field read, virtio 1.x §2.5.1).</summary>
    byte[] ReadConfig(int offset, int length);
}
