namespace IsmSpec.Virtio.Notify;

/// <summary>
/// One direction of virtio notification (virtio 1.x §2.7.13.4 available buffer notification = driver→device "kick";
/// §2.7.14 used buffer notification = device→driver "interrupt"). Signals coalesce: several <see cref="Notify"/>
/// calls before a <see cref="Wait"/> wake it once.
/// </summary>
public interface INotifier
{
    /// <summary>Signals the other side. Must not allocate.</summary>
    void Notify();

    /// <summary>Blocks up to <paramref name="timeoutMs"/> (-1 = forever) for a signal; true when one was consumed.</summary>
    bool Wait(int timeoutMs);
}
