using IsmSpec.Virtio.Linux;
using IsmSpec.Virtio.Notify;

namespace IsmSpec.VhostUser.Backend;

/// <summary>
/// A ring's call descriptor as the device signals it: the eventfd can be replaced (SET_VRING_CALL again) or dropped
/// (reset, disconnect) while other threads fire it (a peer's update firing a vector), and notifications are swallowed
/// while the connection's rings are stopped (VHOST-STOPPED-NO-WRITES) or when no descriptor is set. Never throws.
/// </summary>
public sealed class CallNotifier : INotifier, IDisposable
{
    private readonly object _lock = new();
    private EventFd? _target;

    /// <summary>While set, <see cref="Notify"/> does nothing (every ring of the device is stopped).</summary>
    public bool Suspended { get; set; }

    /// <summary>Notifications delivered to a descriptor (diagnostics, tests).</summary>
    public long Delivered { get; private set; }

    /// <summary>Takes ownership of <paramref name="target"/> (null = no descriptor, bit 8), closing the previous one.</summary>
    public void Set(EventFd? target)
    {
        lock (_lock)
        {
            _target?.Dispose();
            _target = target;
        }
    }

    public void Notify()
    {
        lock (_lock)
        {
            if (Suspended || _target is null) return;
            try
            {
                _target.Notify();
                Delivered++;
            }
            catch (IOException) { /* the front-end closed its end: nothing to tell */ }
        }
    }

    /// <summary>The back-end never waits on a call descriptor.</summary>
    public bool Wait(int timeoutMs) => false;

    public void Dispose() => Set(null);
}
