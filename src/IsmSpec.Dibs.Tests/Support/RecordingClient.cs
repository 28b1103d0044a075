namespace IsmSpec.Dibs.Tests.Support;

/// <summary>A DIBS client that logs every callback ("NAME add_dev DEV", …) and keeps the IRQs and events it got.</summary>
internal sealed class RecordingClient : IDibsClientOps<DibsDevice>
{
    private readonly List<(DibsDevice Dev, uint Idx, ushort Mask)> _irqs = [];
    private readonly List<DibsEvent> _events = [];

    public RecordingClient(string name, CallLog? log = null)
    {
        Log = log ?? new CallLog();
        Client = new DibsClient(name, this);
    }

    public CallLog Log { get; }
    public DibsClient Client { get; }
    public string Name => Client.Name;

    /// <summary>Runs inside add_dev / del_dev, after logging.</summary>
    public Action<DibsDevice>? OnAddDev { get; set; }
    public Action<DibsDevice>? OnDelDev { get; set; }
    public Action<DibsDevice, uint, ushort>? OnIrq { get; set; }

    public IReadOnlyList<(DibsDevice Dev, uint Idx, ushort Mask)> Irqs
    {
        get { lock (_irqs) return _irqs.ToArray(); }
    }

    public IReadOnlyList<DibsEvent> Events
    {
        get { lock (_events) return _events.ToArray(); }
    }

    public void AddDev(DibsDevice dev)
    {
        Log.Add($"{Name} add_dev {dev.Name}");
        OnAddDev?.Invoke(dev);
    }

    public void DelDev(DibsDevice dev)
    {
        Log.Add($"{Name} del_dev {dev.Name}");
        OnDelDev?.Invoke(dev);
    }

    public void HandleIrq(DibsDevice dev, uint idx, ushort dmbemask)
    {
        lock (_irqs)
            _irqs.Add((dev, idx, dmbemask));
        OnIrq?.Invoke(dev, idx, dmbemask);
    }

    public void HandleEvent(DibsDevice dev, ref DibsEvent @event)
    {
        Log.Add($"{Name} handle_event {dev.Name}");
        lock (_events)
            _events.Add(@event);
    }
}
