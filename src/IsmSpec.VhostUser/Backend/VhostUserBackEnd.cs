using System.Collections.Concurrent;
using System.Net.Sockets;
using IsmSpec.VirtioIsm.Host;

namespace IsmSpec.VhostUser.Backend;

/// <summary>How <see cref="VhostUserBackEnd"/> serves.</summary>
public sealed record VhostUserBackEndOptions
{
    /// <summary>The served host (REGIONS, window, vectors, features); HOST_RESET keeps all of it but the name and budget.</summary>
    public IsmHostOptions Host { get; init; } = new();
    /// <summary>Honour the private HOST_RESET / DEVICE_GONE requests (the conformance adapter's control; see <see cref="VhostUserIsm"/>).</summary>
    public bool AllowHostControl { get; init; } = true;
    /// <summary>Largest front-end payload accepted; a bigger header drops that client.</summary>
    public int MaxPayload { get; init; } = VhostUserSocket.DefaultMaxPayload;
    /// <summary>How long the rest of a started message may take, and how long a front-end may take to ack SHMEM messages.</summary>
    public TimeSpan MessageTimeout { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Protocol features to offer (default <see cref="BackEndConnection.OfferedProtocolFeatures"/>); null = offer no bit 30 at all.</summary>
    public ulong? ProtocolFeatures { get; init; } = BackEndConnection.OfferedProtocolFeatures;
    /// <summary>Sees every front-end message before it is handled (connection id, message): conformance observation of front-ends.</summary>
    public Action<long, VhostUserMessage>? Observe { get; init; }
    /// <summary>Misbehave on purpose: signal every call descriptor after each message (front-ends must tolerate it, VHOST-CALL-SPURIOUS).</summary>
    public bool SpuriousCalls { get; init; }
}

/// <summary>
/// The vhost-user back-end serving IsmSpec's reference virtio-ism device (issue 8 item 4): listens on an AF_UNIX
/// socket; every accepted front-end is one guest, i.e. one <see cref="VirtioIsmDevice"/> of the one served
/// <see cref="IsmHost"/>, so a token allocated through one connection attaches through another. Each connection has
/// its own thread (<see cref="BackEndConnection"/>): a malformed message costs at most that client. A front-end that
/// disconnects or dies has its device unplugged and its references released, and every other front-end's SHMEM view
/// is brought up to date (<see cref="Sync"/>).
/// </summary>
public sealed class VhostUserBackEnd : IDisposable
{
    private readonly Socket _listener;
    private readonly Thread _acceptor;
    private readonly object _hostLock = new();
    private readonly List<BackEndConnection> _connections = [];
    private readonly ConcurrentDictionary<ulong, bool> _gone = new();
    private volatile bool _disposed;

    public VhostUserBackEnd(string socketPath, VhostUserBackEndOptions? options = null)
    {
        Options = options ?? new VhostUserBackEndOptions();
        SocketPath = socketPath;
        Host = new IsmHost(Options.Host);
        if (File.Exists(socketPath)) File.Delete(socketPath);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(64);
        _acceptor = new Thread(Accept) { IsBackground = true, Name = "vhost-user accept" };
        _acceptor.Start();
    }

    public VhostUserBackEndOptions Options { get; }
    public string SocketPath { get; }

    /// <summary>The served host (replaced by HOST_RESET).</summary>
    public IsmHost Host { get; private set; }

    /// <summary>Serialises SHMEM publication and the state it reads.</summary>
    internal object SyncLock { get; } = new();

    /// <summary>Connections currently served.</summary>
    public int ConnectionCount { get { lock (_hostLock) return _connections.Count; } }

    /// <summary>Front-ends dropped for a protocol error (diagnostics, fuzz tests).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    private long _dropped;

    /// <summary>One line per notable event (connect, drop and why); set before front-ends connect.</summary>
    public Action<string>? Log { get; set; }

    private void Accept()
    {
        while (!_disposed)
        {
            Socket client;
            try { client = _listener.Accept(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            var connection = new BackEndConnection(this, new VhostUserSocket(client) { MaxPayload = Options.MaxPayload });
            lock (_hostLock)
            {
                if (_disposed) { connection.Abort(); continue; }
                _connections.Add(connection);
            }
            connection.Start();
        }
    }

    /// <summary>A device of the current host for a connection that needs one.</summary>
    internal VirtioIsm.Device.VirtioIsmDevice CreateDevice() { lock (_hostLock) return Host.CreateDevice(); }

    internal void Report(string line) => Log?.Invoke(line);

    internal void Finished(BackEndConnection connection, ulong? devid, string? dropReason)
    {
        if (dropReason is not null) Interlocked.Increment(ref _dropped);
        Sync();                                              // the peers' views first (the closing connection publishes nothing)
        if (devid is { } d) _gone[d] = true;
        lock (_hostLock) _connections.Remove(connection);
        Report(dropReason is null ? $"front-end {connection.Id} disconnected" : $"front-end {connection.Id} dropped: {dropReason}");
    }

    /// <summary>Brings every front-end's SHMEM view to its device's current rights; a front-end that fails to follow is dropped.</summary>
    public void Sync()
    {
        BackEndConnection[] all;
        lock (_hostLock) all = _connections.ToArray();
        lock (SyncLock)
            foreach (var c in all) c.Publish();
    }

    /// <summary>HOST_RESET: every other front-end is disconnected, the host is re-created with a new name and memory budget.</summary>
    internal HostInfo ResetHost(BackEndConnection caller, string hostName, int? memoryRegions)
    {
        BackEndConnection[] others;
        lock (_hostLock) others = _connections.Where(c => c != caller).ToArray();
        foreach (var c in others) c.Abort();
        foreach (var c in others) c.Join(TimeSpan.FromSeconds(5));
        lock (_hostLock)
        {
            caller.DropDevice();
            Host.Dispose();
            var o = Options.Host;
            Host = new IsmHost(o with { HostName = hostName, MemoryBudget = memoryRegions is { } n ? (ulong)n * o.RegionSize : ulong.MaxValue });
            _gone.Clear();
            return new HostInfo(o.RegionCount, o.MaxReferencesPerDevice, o.VectorCount, o.MaxGrantEntries, o.RegionSize);
        }
    }

    /// <summary>DEVICE_GONE: true once the connection of <paramref name="devid"/> has been torn down (device unplugged, views synced).</summary>
    internal bool WaitGone(ulong devid, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!_gone.ContainsKey(devid))
        {
            if (Environment.TickCount64 > deadline) return false;
            bool known;
            lock (_hostLock) known = _connections.Any(c => c.Devid == devid);
            if (!known && Host.FindDevice(devid) is null && !_gone.ContainsKey(devid)) return true;
            Thread.Sleep(1);
        }
        return true;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _listener.Dispose();
        _acceptor.Join(2000);
        BackEndConnection[] all;
        lock (_hostLock) all = _connections.ToArray();
        foreach (var c in all) c.Abort();
        foreach (var c in all) c.Join(TimeSpan.FromSeconds(5));
        Host.Dispose();
        if (File.Exists(SocketPath)) File.Delete(SocketPath);
    }
}
