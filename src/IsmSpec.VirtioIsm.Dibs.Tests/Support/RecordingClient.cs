using System.Collections.Concurrent;

namespace IsmSpec.VirtioIsm.Dibs.Tests.Support;

/// <summary>A DIBS client that records handle_irq calls (which arrive on the device's update thread) and events.</summary>
internal sealed class RecordingClient : IDibsClientOps<DibsDevice>
{
    private readonly BlockingCollection<(uint Idx, ushort Mask)> _irqs = new();

    public RecordingClient(string name = "SMC-D") => Client = new DibsClient(name, this);

    public DibsClient Client { get; }
    public int EventCount;

    public void AddDev(DibsDevice dev) { }
    public void DelDev(DibsDevice dev) { }
    public void HandleIrq(DibsDevice dev, uint idx, ushort dmbemask) => _irqs.Add((idx, dmbemask));
    public void HandleEvent(DibsDevice dev, ref DibsEvent @event) => Interlocked.Increment(ref EventCount);

    /// <summary>The next handle_irq, or null after <paramref name="timeout"/>.</summary>
    public (uint Idx, ushort Mask)? NextIrq(TimeSpan timeout) => _irqs.TryTake(out var irq, timeout) ? irq : null;

    /// <summary>Waits a little and returns every handle_irq seen so far.</summary>
    public List<(uint Idx, ushort Mask)> Drain(TimeSpan settle)
    {
        var all = new List<(uint, ushort)>();
        while (_irqs.TryTake(out var irq, settle))
            all.Add(irq);
        return all;
    }
}
