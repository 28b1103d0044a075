using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// A virtio-ism device (first draft, spec version 1) under test. <see cref="CreateHost"/> is called once per generated
/// case and must return a fresh host: a REGIONS space shared by every guest added to it, no regions in use.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyAdapter : IVirtioIsmDeviceAdapter
/// {
///     public string Name => "my-ism";
///     public IVirtioIsmHost CreateHost(VirtioIsmHostRequest request) => new MyHost(MyVmm.StartHost(request.HostName, request.MemoryRegions));
/// }
/// sealed class MyHost(MyVmmHost h) : IVirtioIsmHost
/// {
///     public int MaxReferencesPerDevice => h.Window;
///     public IVirtioIsmGuest AddGuest() => new MyGuest(h.PlugGuest());
///     public void Dispose() => h.Stop();
/// }
/// sealed class MyGuest(MyVmmGuest g) : IVirtioIsmGuest
/// {
///     public ulong OfferedFeatures => g.Pci.DeviceFeatures;
///     public bool Negotiate(ulong features) => g.Driver.Init(features);                 // queues, eventq, vectors, DRIVER_OK
///     public void ReadConfig(Span&lt;byte&gt; config) => g.Pci.ReadConfig(0, config);
///     public IReadOnlyList&lt;(VirtioIsmShmId Id, ulong Length)&gt; SharedMemory => g.Pci.ShmCaps;
///     public byte[] Exchange(ReadOnlySpan&lt;byte&gt; request, int replyCapacity) => g.Driver.Controlq(request, replyCapacity);
///     public bool TryRead(ulong offset, Span&lt;byte&gt; into) => g.Bar.TryRead(offset, into);
///     public bool TryWrite(ulong offset, ReadOnlySpan&lt;byte&gt; bytes) => g.Bar.TryWrite(offset, bytes);
///     public void Notify(ulong notifyOffset) => g.NotifyBar.Kick(notifyOffset);
///     public IReadOnlyList&lt;byte[]&gt; TakeEvents() => g.Driver.DrainEventq();
///     public long VectorCount(int vector) => g.Msix.Count(vector);
///     public void Reset() => g.Pci.Status = 0;
///     public void Remove() => g.Kill();
/// }
/// </code>
/// </example>
public interface IVirtioIsmDeviceAdapter
{
    string Name { get; }

    /// <summary>A fresh host. Hosts with the same <see cref="VirtioIsmHostRequest.HostName"/> stand for one machine restarted, different names for different machines.</summary>
    IVirtioIsmHost CreateHost(VirtioIsmHostRequest request);
}

/// <param name="HostName">Which machine the host stands for (draft statement 1: gid per host).</param>
/// <param name="MemoryRegions">When set, the host can back only this many regions at once (draft statement 14: no physical memory beyond it).</param>
/// <param name="Version">
/// The wire generation every guest of the host speaks: 1 (first draft, device id 43) or 2 (chunk/area, Gen-B, device id
/// 44: spec <c>virtio-ism</c> version 2). An adapter for one generation only throws for the other; the suites of that
/// generation then fail with the message.
/// </param>
public sealed record VirtioIsmHostRequest(string HostName = "conformance", int? MemoryRegions = null, int Version = 1);

/// <summary>One host: the REGIONS space and the guests (each with its own virtio-ism device) plugged into it.</summary>
public interface IVirtioIsmHost : IDisposable
{
    /// <summary>Plugs in a new guest with a new device instance (not yet initialized: call <see cref="IVirtioIsmGuest.Negotiate"/>).</summary>
    IVirtioIsmGuest AddGuest();

    /// <summary>References one device may hold at once: its configured window (VISM-DEC-WINDOW-LIMIT).</summary>
    int MaxReferencesPerDevice { get; }

    /// <summary>Interrupt vectors per device usable with EVENT_VECTOR (0 .. VectorCount-1).</summary>
    int VectorCount => 1;

    /// <summary>How long after a notify an update may still arrive; checks that expect none wait this long.</summary>
    TimeSpan EventLatency => TimeSpan.Zero;
}

/// <summary>
/// One guest's view of its virtio-ism device, as its driver would see it: status and features, the 32-byte config,
/// the shared memory regions, raw controlq exchanges through the device's real control virtqueue, REGIONS memory,
/// the NOTIFY memory, the eventq and the per-region interrupt vectors.
/// </summary>
public interface IVirtioIsmGuest
{
    /// <summary>Device-specific feature bits the device offers (VIRTIO_ISM_F_*; a version-2 device defines none).</summary>
    ulong OfferedFeatures { get; }

    /// <summary>The virtio device id the transport reports (43 version 1, 44 version 2); 0 when the adapter cannot tell.</summary>
    int DeviceId => 0;

    /// <summary>
    /// Resets the device and initializes it accepting exactly <paramref name="features"/> (device-specific bits; the
    /// adapter adds the transport bits it needs): controlq, the eventq with buffers posted when EVENT_VQ is accepted,
    /// every vector programmed when EVENT_IRQ is accepted, then DRIVER_OK. False when the device refuses. A version-2
    /// device has no feature bits (<paramref name="features"/> is 0): the adapter always sets up the eventq (queue 1)
    /// with buffers posted and programs every vector (VISM2-DEC-EVENTQ, VISM2-DEC-EVENT-VECTOR).
    /// </summary>
    bool Negotiate(ulong features);

    /// <summary>Reads the 32-byte <c>virtio_ism_config</c>.</summary>
    void ReadConfig(Span<byte> config);

    /// <summary>The shared memory regions the device exposes (shmid and length).</summary>
    IReadOnlyList<(VirtioIsmShmId Id, ulong Length)> SharedMemory { get; }

    /// <summary>
    /// Places <paramref name="request"/> as one device-readable buffer and a <paramref name="replyCapacity"/>-byte
    /// device-writable buffer on the controlq and returns what the device wrote (its used length); empty when the
    /// device completed nothing.
    /// </summary>
    byte[] Exchange(ReadOnlySpan<byte> request, int replyCapacity);

    /// <summary>Loads REGIONS memory at <paramref name="offset"/>; false when the device denies the access.</summary>
    bool TryRead(ulong offset, Span<byte> into);

    /// <summary>Stores into REGIONS memory at <paramref name="offset"/>; false when the device denies the access.</summary>
    bool TryWrite(ulong offset, ReadOnlySpan<byte> bytes);

    /// <summary>Writes a non-zero byte at <paramref name="notifyOffset"/> of the NOTIFY memory and notifies the device.</summary>
    void Notify(ulong notifyOffset);

    /// <summary>The eventq messages (<c>virtio_ism_event</c> bytes) the device completed since the last call; buffers are re-posted.</summary>
    IReadOnlyList<byte[]> TakeEvents();

    /// <summary>How often interrupt vector <paramref name="vector"/> fired since it was programmed.</summary>
    long VectorCount(int vector);

    /// <summary>Writes 0 to the device status (a device reset); the guest negotiates again before its next command.</summary>
    void Reset();

    /// <summary>The guest disappears without detaching anything (its VM dies); the guest is not used afterwards.</summary>
    void Remove();
}
