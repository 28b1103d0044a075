namespace IsmSpec.Virtio.Notify;

/// <summary>An in-process notifier: a signal flag plus a monitor; counts every <see cref="Notify"/> for tests.</summary>
public sealed class InProcessNotifier : INotifier
{
    private readonly object _gate = new();
    private bool _signalled;
    private long _count;

    /// <summary>Total number of Notify calls so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Notify()
    {
        Interlocked.Increment(ref _count);
        lock (_gate)
        {
            _signalled = true;
            Monitor.Pulse(_gate);
        }
    }

    public bool Wait(int timeoutMs)
    {
        lock (_gate)
        {
            if (!_signalled && timeoutMs != 0) Monitor.Wait(_gate, timeoutMs);
            bool was = _signalled;
            _signalled = false;
            return was;
        }
    }
}
