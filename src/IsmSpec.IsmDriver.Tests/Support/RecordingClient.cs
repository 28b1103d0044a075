namespace IsmSpec.IsmDriver.Tests.Support;

/// <summary>A DIBS client that records its callbacks (optionally into a shared log) and can run code inside handle_irq.</summary>
internal sealed class RecordingClient : IDibsClientOps<DibsDevice>
{
    private readonly List<(uint Idx, ushort Mask)> _irqs = [];
    private readonly List<DibsEvent> _events = [];

    public RecordingClient(string name = "SMC-D", Action<string>? log = null)
    {
        Log = log;
        Client = new DibsClient(name, this);
    }

    public DibsClient Client { get; }
    public Action<string>? Log { get; }
    public Action<DibsDevice, uint, ushort>? OnIrq { get; set; }
    public Action<DibsDevice, DibsEvent>? OnEvent { get; set; }

    public IReadOnlyList<(uint Idx, ushort Mask)> Irqs
    {
        get { lock (_irqs) return _irqs.ToArray(); }
    }

    public IReadOnlyList<DibsEvent> Events
    {
        get { lock (_events) return _events.ToArray(); }
    }

    public void Clear()
    {
        lock (_irqs) _irqs.Clear();
        lock (_events) _events.Clear();
    }

    public void AddDev(DibsDevice dev) => Log?.Invoke($"add_dev {dev.Name}");
    public void DelDev(DibsDevice dev) => Log?.Invoke($"del_dev {dev.Name}");

    public void HandleIrq(DibsDevice dev, uint idx, ushort dmbemask)
    {
        lock (_irqs) _irqs.Add((idx, dmbemask));
        Log?.Invoke($"irq {idx} {dmbemask:X4}");
        OnIrq?.Invoke(dev, idx, dmbemask);
    }

    public void HandleEvent(DibsDevice dev, ref DibsEvent @event)
    {
        lock (_events) _events.Add(@event);
        Log?.Invoke($"event {@event.Type} {@event.Subtype:X}");
        OnEvent?.Invoke(dev, @event);
    }
}
