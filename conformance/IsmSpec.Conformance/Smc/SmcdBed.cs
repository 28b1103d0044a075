using System.IO.Pipelines;
using IsmSpec.Dibs;
using IsmSpec.Smc;

namespace IsmSpec.Conformance.Smc;

/// <summary>The recording device a bed offers the client: mandatory ops only, or every optional op too.</summary>
public sealed record SmcdDeviceShape(SmcdBackend Backend = SmcdBackend.Loopback, bool Full = false, ushort FabricId = 0x0042)
{
    public static readonly SmcdDeviceShape Default = new();
    public override string ToString() => $"{Backend}{(Full ? "+optional ops" : "")} fabric 0x{FabricId:x4}";
}

/// <summary>
/// One test bed: a fresh layer with a recording device and the client under test registered, plus connections
/// set up through an in-memory channel (both ends on the one device, as over loopback). Every wait is bounded:
/// a hang becomes a <see cref="ConformanceViolation"/>.
/// </summary>
public sealed class SmcdBed : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly List<ISmcdConnectionUnderTest> _conns = [];

    public SmcdBed(ISmcdClientUnderTest client, SmcdDeviceShape? shape = null, bool register = true, Func<DibsDevice, string?>? pnetIds = null)
    {
        shape ??= SmcdDeviceShape.Default;
        Client = client;
        Rec = shape.Full ? new FullRecordingDevice("rec0", shape.Backend, shape.FabricId) : new RecordingDevice("rec0", shape.Backend, shape.FabricId);
        SmcAssert.That(Layer.AddDevice(Rec.Device).IsOk, "the reference layer refused the recording device");
        if (register)
            Register(pnetIds);
    }

    public ISmcdClientUnderTest Client { get; }
    public DibsLayer Layer { get; } = new();
    public RecordingDevice Rec { get; }
    public FullRecordingDevice? Full => Rec as FullRecordingDevice;
    public DibsDevice Dev => Rec.Device;
    public byte[] Gid => Rec.Device.Gid.ToArray();

    private ISmcdClientInstance? _instance;
    public ISmcdClientInstance Instance => _instance ?? throw new ConformanceViolation("the client is not registered");

    public ISmcdClientInstance Register(Func<DibsDevice, string?>? pnetIds = null)
    {
        try
        {
            _instance = Client.Register(Layer, pnetIds ?? (_ => null));
        }
        catch (Exception e) when (e is not ConformanceViolation)
        {
            throw new ConformanceViolation($"{Client.Name}: registration failed: {e.GetType().Name}: {e.Message}");
        }
        return _instance;
    }

    /// <summary>The recorded ops whose name is <paramref name="op"/>.</summary>
    public List<RecordedOp> Ops(string op) => Rec.Ops.Where(o => o.Op == op).ToList();

    /// <summary>move_data calls into the DMB with <paramref name="token"/>.</summary>
    public List<RecordedOp> MovesTo(ulong token) => Rec.Ops.Where(o => o.Op == "move_data" && o.Token == token).ToList();

    /// <summary>A connects, B accepts, each with its receive DMB size (null: the client's default).</summary>
    public (ISmcdConnectionUnderTest A, ISmcdConnectionUnderTest B) Connect(uint? sizeA = 1024, uint? sizeB = 1024)
    {
        var (a, b, error) = TryConnect(sizeA, sizeB);
        if (error is not null)
            throw new ConformanceViolation($"connection setup failed: {error.GetType().Name}: {error.Message}");
        return (a!, b!);
    }

    public (ISmcdConnectionUnderTest? A, ISmcdConnectionUnderTest? B, Exception? Error) TryConnect(uint? sizeA, uint? sizeB)
    {
        var (ca, cb) = Channels();
        var cts = new CancellationTokenSource(Timeout); // not disposed: continuations may still cancel it
        Task<ISmcdConnectionUnderTest> accept, connect;
        try
        {
            accept = Instance.AcceptAsync(Dev, cb, sizeB, cts.Token);
            connect = Instance.ConnectAsync(Dev, ca, sizeA, cts.Token);
        }
        catch (Exception e) when (e is not ConformanceViolation)
        {
            return (null, null, e);
        }
        // One side failing (a decline, a refused size) cancels the other, which would otherwise wait for the channel.
        foreach (var t in new[] { accept, connect })
            t.ContinueWith(_ => cts.Cancel(), CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
        try
        {
            Task.WhenAll(accept, connect).Wait(Timeout + TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
        }
        ISmcdConnectionUnderTest? Take(Task<ISmcdConnectionUnderTest> t)
        {
            if (!t.IsCompletedSuccessfully) return null;
            lock (_conns) _conns.Add(t.Result);
            return t.Result;
        }
        var (x, y) = (Take(connect), Take(accept));
        var error = connect.Exception?.InnerException ?? accept.Exception?.InnerException
            ?? (x is null || y is null ? new TimeoutException("connection setup did not finish") : null);
        return (x, y, error);
    }

    /// <summary>Two ends of an in-memory duplex channel (the CLC stand-in runs over it).</summary>
    public static (Stream, Stream) Channels()
    {
        var inline = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        var ab = new Pipe(inline);
        var ba = new Pipe(inline);
        return (new DuplexStream(ba.Reader.AsStream(), ab.Writer.AsStream()), new DuplexStream(ab.Reader.AsStream(), ba.Writer.AsStream()));
    }

    /// <summary>Runs a blocking client call with a bound; a hang or an unexpected exception becomes a violation.</summary>
    public static T Timed<T>(Func<T> call, string what, TimeSpan? timeout = null)
    {
        var task = BoundedCalls.Start(call);
        if (!task.Wait(timeout ?? Timeout) && !task.IsCompleted)
            throw new ConformanceViolation($"{what} did not return within {(timeout ?? Timeout).TotalSeconds:0.#} s");
        return task.IsCompletedSuccessfully ? task.Result : throw Unwrap(task.Exception!, what);
    }

    /// <summary>Starts a call that may block (on a worker thread, see <see cref="BoundedCalls"/>).</summary>
    public static Task<T> Start<T>(Func<T> call) => BoundedCalls.Start(call);

    public static Task Start(Action call) => BoundedCalls.Start(() => { call(); return 0; });

    public static void Timed(Action call, string what, TimeSpan? timeout = null) => Timed(() => { call(); return 0; }, what, timeout);

    /// <summary>Whether a blocking call failed with IOException (within the bound).</summary>
    public static bool FailsWithIo(Action call, TimeSpan? timeout = null)
    {
        var task = Start(call);
        try
        {
            task.Wait(timeout ?? Timeout);
            return false; // returned normally, or still blocked
        }
        catch (AggregateException e)
        {
            return e.InnerException is IOException;
        }
    }

    private static Exception Unwrap(AggregateException e, string what) =>
        e.InnerException is ConformanceViolation v ? v : new ConformanceViolation($"{what} threw {e.InnerException?.GetType().Name}: {e.InnerException?.Message}");

    public void Dispose()
    {
        ISmcdConnectionUnderTest[] conns;
        lock (_conns) conns = _conns.ToArray();
        foreach (var c in conns)
            Quietly(c.Dispose);
        if (_instance is { } i)
            Quietly(() => i.Shutdown());
        Quietly(i => i.Dispose(), _instance);
        Rec.Dispose();
    }

    private static void Quietly(Action a)
    {
        try { a(); } catch (Exception) { }
    }

    private static void Quietly<T>(Action<T> a, T? x) where T : class
    {
        if (x is not null) Quietly(() => a(x));
    }
}
