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

    public void Publish(TUpdate update) => _updates.Writer.TryWrite(update);

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
