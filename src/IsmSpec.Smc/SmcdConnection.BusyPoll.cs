using System.Diagnostics;

namespace IsmSpec.Smc;

/// <summary>
/// Busy polling (<see cref="SmcdStreamOptions.BusyPoll"/>, the counterpart of Linux's SO_BUSY_POLL): a reader with
/// nothing to read, or a writer facing a full ring, re-runs its step — which re-reads the CDC message in its own DMB —
/// until the poll window ends, and only then blocks until handle_irq. The peer's CDC message is visible in our DMB as
/// soon as its move_data returns, so a polling side does not wait for the device's signal path. Signals are still
/// sent and handled as always (rule 70); polling only changes who notices first.
/// </summary>
public sealed partial class SmcdConnection
{
    private long _busyPollTicks;

    /// <summary>This connection's busy-poll window (initially <see cref="SmcdStreamOptions.BusyPoll"/>); 0 = block at once.</summary>
    public TimeSpan BusyPoll
    {
        get => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _busyPollTicks));
        set
        {
            SmcdStreamOptions.ThrowIfInvalidBusyPoll(value, nameof(value));
            Volatile.Write(ref _busyPollTicks, (long)(value.Ticks * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond)));
        }
    }

    /// <summary>
    /// Called by a blocking read or write whose step found nothing to do: true means "run the step again" (the wait
    /// already completed, or the poll window of this call — started at its first call — is still open, after one
    /// spin that never sleeps); false means "block on <paramref name="wait"/>".
    /// </summary>
    private bool KeepPolling(Task wait, ref long deadline, ref SpinWait spinner)
    {
        if (wait.IsCompleted)
            return true;
        long window = Volatile.Read(ref _busyPollTicks);
        if (window == 0)
            return false;
        long now = Stopwatch.GetTimestamp();
        if (deadline == 0)
            deadline = now + window;
        else if (now >= deadline)
            return false;
        spinner.SpinOnce(sleep1Threshold: -1);
        return true;
    }
}
