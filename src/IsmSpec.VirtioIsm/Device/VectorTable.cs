using IsmSpec.Virtio.Notify;

namespace IsmSpec.VirtioIsm.Device;

/// <summary>
/// A device's interrupt vectors for per-region update events (VIRTIO_ISM_F_EVENT_IRQ). The driver programs an entry
/// with the notifier that stands for "this vector fired" (as it would program an MSI-X table entry); the device only
/// fires entries. Thread-safe; firing an unprogrammed entry does nothing.
/// </summary>
public sealed class VectorTable
{
    private readonly INotifier?[] _targets;
    private readonly long[] _fired;

    public VectorTable(int count)
    {
        _targets = new INotifier?[count];
        _fired = new long[count];
    }

    public int Count => _targets.Length;

    /// <summary>Programs (or clears, with null) entry <paramref name="vector"/>; false when out of range.</summary>
    public bool Bind(int vector, INotifier? target)
    {
        if ((uint)vector >= (uint)_targets.Length) return false;
        Volatile.Write(ref _targets[vector], target);
        return true;
    }

    /// <summary>Times the vector fired (diagnostics, tests).</summary>
    public long FiredCount(int vector) => (uint)vector < (uint)_fired.Length ? Interlocked.Read(ref _fired[vector]) : 0;

    internal void Fire(int vector)
    {
        if ((uint)vector >= (uint)_targets.Length) return;
        Interlocked.Increment(ref _fired[vector]);
        Volatile.Read(ref _targets[vector])?.Notify();
    }

    internal void Clear()
    {
        for (int i = 0; i < _targets.Length; i++) Volatile.Write(ref _targets[i], null);
    }
}
