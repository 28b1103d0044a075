using System.Threading.Channels;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>
/// What both reference drivers (first draft and chunk/area) run the same way: a thread that waits for the device's
/// interrupt and drains the controlq and eventq, the update stream they publish to, and vector binding.
/// </summary>
internal sealed class DriverPlumbing<TUpdate>(IVirtioIsmPort port, ControlQueue control, EventQueue? events, EventMessageParser onEvent, string name)
    where TUpdate : struct
{
    private readonly Channel<TUpdate> _updates = Channel.CreateUnbounded<TUpdate>();
    private readonly object _handlerGate = new();
    private Action<TUpdate>? _handler;
    private Thread? _thread;
    private volatile bool _stopping;

    public bool Stopping => _stopping;

    /// <summary>Binds vectors 0..count-1 so each calls <paramref name="onVector"/>; throws if the device lacks one.</summary>
    public static void BindVectors(IVirtioIsmPort port, int count, Action<int> onVector)
    {
        for (int v = 0; v < count; v++)
        {
            int vector = v;
            if (!port.BindVector(vector, new CallbackNotifier(() => onVector(vector))))
                throw new InvalidOperationException($"the device has no interrupt vector {vector}");
        }
    }

    public void Start()
    {
        _thread = new Thread(InterruptLoop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>
    /// An update goes to the handler, if one is set, on the interrupt thread (like a driver's interrupt handler),
    /// otherwise to the update stream. A handler must not throw (as an interrupt handler cannot); if it does, the
    /// exception is dropped so the interrupt thread keeps serving the controlq and eventq.
    /// </summary>
    public void Publish(TUpdate update)
    {
        lock (_handlerGate)
        {
            if (_handler is { } handler)
            {
                try { handler(update); }
                catch (Exception) { }
                return;
            }
        }
        _updates.Writer.TryWrite(update);
    }

    /// <summary>
    /// Sets (or, with null, clears) the handler. Returns once no call of the previous handler is running, except
    /// when called from inside that handler (the gate is re-entrant).
    /// </summary>
    public void SetHandler(Action<TUpdate>? handler)
    {
        lock (_handlerGate)
            _handler = handler;
    }

    /// <summary>
    /// Blocks until <paramref name="task"/> (a controlq command) completes. On the interrupt thread itself — an update
    /// handler that sends a command — nobody else would complete it, so this thread drains the controlq while it waits.
    /// </summary>
    public void WaitForCommand(Task task)
    {
        if (Thread.CurrentThread != _thread)
        {
            try { task.Wait(); }
            catch (AggregateException) { }      // the caller takes the task's own exception from its result
            return;
        }
        var spinner = new SpinWait();
        while (!task.IsCompleted)
        {
            control.DrainUsed();
            spinner.SpinOnce();
        }
    }


    public IAsyncEnumerable<TUpdate> ReadAll(CancellationToken cancellationToken) => _updates.Reader.ReadAllAsync(cancellationToken);

    /// <summary>The next update, or null after <paramref name="timeout"/>.</summary>
    public async Task<TUpdate?> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { return await _updates.Reader.ReadAsync(cts.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { return null; }
    }

    private void InterruptLoop()
    {
        while (!_stopping)
        {
            port.Interrupt.Wait(100);
            if (_stopping) break;
            control.DrainUsed();
            events?.Drain(onEvent);
        }
    }

    /// <summary>Stops the interrupt thread and resets the device (status 0), which releases every reference of the guest.</summary>
    public async ValueTask StopAsync()
    {
        if (_stopping) return;
        _stopping = true;
        if (_thread is { } t) await Task.Run(() => t.Join(2000)).ConfigureAwait(false);
        try { port.Status = 0; } catch (IOException) { } catch (ObjectDisposedException) { }
        _updates.Writer.TryComplete();
    }
}
