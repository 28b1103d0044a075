namespace IsmSpec.Smc;

/// <summary>
/// A wake-up for everyone waiting on one connection: <see cref="Pulse"/> completes the current generation and
/// starts a new one. Waiters take <see cref="Current"/> before checking their condition, so a pulse between
/// the check and the wait is never lost. Continuations run asynchronously: handle_irq calls Pulse while the
/// device holds its lock (loopback signals inside the sender's move_data, research §2.5).
/// </summary>
internal sealed class AsyncPulse
{
    private TaskCompletionSource _current = NewSource();

    public Task Current => Volatile.Read(ref _current).Task;

    public void Pulse() => Interlocked.Exchange(ref _current, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
