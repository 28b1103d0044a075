using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// A virtio-ism driver under test (the driver-role requirements). The suite hands it a port onto a recording reference
/// device; the driver initializes the device through it and allocates, attaches and uses regions on request.
/// </summary>
public interface IVirtioIsmDriverAdapter
{
    string Name { get; }

    /// <summary>
    /// Initializes the device behind <paramref name="port"/>: accept VIRTIO_ISM_F_EVENT_VQ when offered and
    /// <paramref name="eventQueue"/> is set, VIRTIO_ISM_F_EVENT_IRQ when offered and <paramref name="vectors"/> &gt; 0
    /// (using that many vectors), set up what they need and set DRIVER_OK.
    /// </summary>
    IVirtioIsmDriverUnderTest Connect(IVirtioIsmPort port, bool eventQueue, int vectors);
}

/// <summary>A connected driver; disposing it stops the driver.</summary>
public interface IVirtioIsmDriverUnderTest : IDisposable
{
    /// <summary>ALLOC of <paramref name="size"/> bytes; null when the device refused.</summary>
    IVirtioIsmDriverRegion? Alloc(ulong size);

    /// <summary>ATTACH by token; null when the device refused.</summary>
    IVirtioIsmDriverRegion? Attach(ulong token);
}

/// <summary>A region the driver holds.</summary>
public interface IVirtioIsmDriverRegion
{
    ulong Token { get; }
    ulong Offset { get; }

    /// <summary>The driver's user writes <paramref name="value"/> to every byte the driver gives it of the region.</summary>
    void Fill(byte value);
}

/// <summary>The reference driver (<see cref="VirtioIsmDriver"/>, src/IsmSpec.VirtioIsm) as the driver under test.</summary>
public sealed class ReferenceDriverAdapter : IVirtioIsmDriverAdapter
{
    public string Name => "virtio-ism reference driver";

    public IVirtioIsmDriverUnderTest Connect(IVirtioIsmPort port, bool eventQueue, int vectors) =>
        new Connected(VirtioIsmDriver.Connect(port, new VirtioIsmDriverOptions { EventQueue = eventQueue, Vectors = vectors, CommandTimeout = TimeSpan.FromSeconds(5) }), port);

    private sealed class Connected(VirtioIsmDriver driver, IVirtioIsmPort port) : IVirtioIsmDriverUnderTest
    {
        public IVirtioIsmDriverRegion? Alloc(ulong size) => driver.AllocAsync(size).GetAwaiter().GetResult() is { IsOk: true } r ? new Region(r.Value) : null;
        public IVirtioIsmDriverRegion? Attach(ulong token) => driver.AttachAsync(token).GetAwaiter().GetResult() is { IsOk: true } r ? new Region(r.Value) : null;

        public void Dispose()
        {
            var stopping = driver.DisposeAsync();
            port.Interrupt.Notify();          // wakes the interrupt thread at once instead of after its wait times out
            stopping.AsTask().GetAwaiter().GetResult();
        }
    }

    private sealed class Region(IsmRegion region) : IVirtioIsmDriverRegion
    {
        public ulong Token => region.Token;
        public ulong Offset => region.Offset;
        public void Fill(byte value) => region.Memory.Span.Fill(value);
    }
}
