using IsmSpec.Dibs;

namespace IsmSpec.Conformance.Dibs;

/// <summary>What kind of DIBS device an adapter hands out: loopback-only requirements (DIBS-LO-*) apply to Loopback.</summary>
public enum DibsDeviceKind
{
    /// <summary>A DIBS loopback device (drivers/dibs/dibs_loopback.c; research §3).</summary>
    Loopback,
    /// <summary>An s390 ISM device (max_dmbs 1920, no mmapped ops; research §4).</summary>
    Ism,
    /// <summary>Any other DIBS device (e.g. virtio-ism behind DIBS): only the generic contract applies.</summary>
    Other,
}

/// <summary>
/// A DIBS device under test. <see cref="Create"/> is called once per generated case (or per property) and
/// must return a fresh <see cref="DibsLayer"/> with a fresh instance of the device added to it.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyAdapter : IDibsDeviceAdapter
/// {
///     public string Name => "my-dibs";
///     public DibsDeviceKind Kind => DibsDeviceKind.Other;
///     public DibsTestBed Create()
///     {
///         var ops = new MyDibsDevice();                      // : IDibsDevOps&lt;DibsDevice, DibsClient&gt;, IDibsDmbMemory
///         var dev = new DibsDevice("my0", ops.Gid, ops);
///         return DibsTestBed.Add(new DibsLayer(), dev, memory: ops);
///     }
/// }
/// </code>
/// </example>
public interface IDibsDeviceAdapter
{
    string Name { get; }
    DibsDeviceKind Kind { get; }
    DibsTestBed Create();
}

/// <summary>
/// One fresh layer with the device under test added, plus the optional hooks some requirements need:
/// <see cref="Memory"/> to read DMB bytes (without it those requirements are not applicable) and, for a
/// loopback device, <see cref="Remove"/> (dibs_lo_dev_exit with a bounded wait, research rule 41).
/// </summary>
public sealed class DibsTestBed(
    DibsLayer layer,
    DibsDevice device,
    IDibsDmbMemory? memory = null,
    Func<TimeSpan, DibsResult>? remove = null,
    Action? dispose = null) : IDisposable
{
    public DibsLayer Layer { get; } = layer ?? throw new ArgumentNullException(nameof(layer));
    public DibsDevice Device { get; } = device ?? throw new ArgumentNullException(nameof(device));
    public IDibsDmbMemory? Memory { get; } = memory;
    public Func<TimeSpan, DibsResult>? Remove { get; } = remove;

    /// <summary>
    /// How long after move_data returns a signal may still arrive (0 for devices that signal synchronously,
    /// like loopback). Checks that expect a handle_irq wait up to this long; checks that expect none wait it out.
    /// </summary>
    public TimeSpan SignalLatency { get; init; } = TimeSpan.Zero;

    /// <summary>Adds <paramref name="device"/> to <paramref name="layer"/> (dibs_dev_add) and wraps both; throws if the layer refuses the device.</summary>
    public static DibsTestBed Add(DibsLayer layer, DibsDevice device, IDibsDmbMemory? memory = null, Action? dispose = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(device);
        var rc = layer.AddDevice(device);
        if (!rc.IsOk)
            throw new InvalidOperationException($"dibs_dev_add of {device.Name} failed: {rc}");
        return new DibsTestBed(layer, device, memory, dispose: dispose);
    }

    public void Dispose() => dispose?.Invoke();
}
