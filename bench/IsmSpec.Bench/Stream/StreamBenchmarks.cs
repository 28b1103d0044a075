using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using IsmSpec.Bench.Peer;
using IsmSpec.Dibs;
using IsmSpec.Smc;
using IsmSpec.Smc.SharedMemory;
using IsmSpec.VirtioIsm.Dibs;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;
using IsmSpec.VirtioIsm.Remote;

namespace IsmSpec.Bench.Streaming;

/// <summary>
/// A byte stream between this process and IsmSpec.Bench.Peer (a second process), sockperf-style:
/// - latency: one op = write 14 bytes, read the 14-byte echo (ping-pong round trip);
/// - throughput: one op = one 64 KiB message; an invoke writes <see cref="Window"/> messages back to back and then
///   reads the peer's 1-byte ack for all of them (OperationsPerInvoke = Window, so time/op is per 64 KiB message).
/// Transports: TCP over 127.0.0.1 (NoDelay on both ends; the baseline of each category), a Unix domain socket, and
/// the SMC-D-style stream (IsmSpec.Smc, 1 MiB DMBs as in the upstream SMC-lo runs) over the virtio-ism-backed DIBS
/// device: this process is the virtio-ism host and guest A, the peer is guest B through a RemoteGuestEndpoint
/// (transport socket, the host's memfds, inherited eventfds); and the same stream over SharedMemoryDibsDevice (one
/// memfd fabric, one eventfd per station, no virtqueues), which isolates the stream from the virtio-ism signal path.
/// The *_BusyPoll cases run the same two SMC-D streams with SmcdStreamOptions.BusyPoll on both ends: a waiting side
/// polls the CDC message in its own DMB for up to 100 µs before it blocks until handle_irq.
/// Every case gets its own peer process and connection.
/// </summary>
[MemoryDiagnoser, CategoriesColumn, GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class StreamBenchmarks
{
    public const int PingSize = 14, MessageSize = 64 * 1024, Window = 16;
    private const uint DmbSize = 1 << 20;
    private const string Latency = "latency 14 B", Throughput = "throughput 64 KiB";
    /// <summary>SmcdStreamOptions.BusyPoll of the *_BusyPoll cases, on both ends (Linux suggests 50 µs for busy_read).</summary>
    private static readonly TimeSpan BusyPoll = TimeSpan.FromMicroseconds(100);
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    private readonly byte[] _ping = new byte[PingSize], _pong = new byte[PingSize], _message = new byte[MessageSize], _ack = new byte[1];
    private PeerProcess? _peer;
    private Socket? _socket;
    private string? _socketPath;
    private IsmHost? _host;
    private VirtioIsmDriver? _driver;
    private VirtioIsmDibsDevice? _vism;
    private SmcdClient? _smcd;
    private RemoteGuestEndpoint? _endpoint;
    private SmcdConnection? _smc;
    private SharedMemoryFabric? _fabric;
    private SharedMemoryDibsDevice? _shm;
    private DibsLayer? _layer;
    private Timer? _watchdog;
    private long _ops, _seen;

    [GlobalSetup(Target = nameof(Tcp_PingPong))] public void SetupTcpLatency() => SetupSocket(tcp: true, PeerProtocol.Echo);
    [GlobalSetup(Target = nameof(Tcp_Throughput))] public void SetupTcpThroughput() => SetupSocket(tcp: true, PeerProtocol.Sink);
    [GlobalSetup(Target = nameof(Uds_PingPong))] public void SetupUdsLatency() => SetupSocket(tcp: false, PeerProtocol.Echo);
    [GlobalSetup(Target = nameof(Uds_Throughput))] public void SetupUdsThroughput() => SetupSocket(tcp: false, PeerProtocol.Sink);
    [GlobalSetup(Target = nameof(SmcVirtioIsm_PingPong))] public void SetupVismLatency() => SetupSmc(PeerProtocol.Echo, shm: false);
    [GlobalSetup(Target = nameof(SmcVirtioIsm_Throughput))] public void SetupVismThroughput() => SetupSmc(PeerProtocol.Sink, shm: false);
    [GlobalSetup(Target = nameof(SmcShm_PingPong))] public void SetupShmLatency() => SetupSmc(PeerProtocol.Echo, shm: true);
    [GlobalSetup(Target = nameof(SmcShm_Throughput))] public void SetupShmThroughput() => SetupSmc(PeerProtocol.Sink, shm: true);
    [GlobalSetup(Target = nameof(SmcVirtioIsm_BusyPoll_PingPong))] public void SetupVismPollLatency() => SetupSmc(PeerProtocol.Echo, shm: false, BusyPoll);
    [GlobalSetup(Target = nameof(SmcVirtioIsm_BusyPoll_Throughput))] public void SetupVismPollThroughput() => SetupSmc(PeerProtocol.Sink, shm: false, BusyPoll);
    [GlobalSetup(Target = nameof(SmcShm_BusyPoll_PingPong))] public void SetupShmPollLatency() => SetupSmc(PeerProtocol.Echo, shm: true, BusyPoll);
    [GlobalSetup(Target = nameof(SmcShm_BusyPoll_Throughput))] public void SetupShmPollThroughput() => SetupSmc(PeerProtocol.Sink, shm: true, BusyPoll);

    [Benchmark(Baseline = true), BenchmarkCategory(Latency)]
    public int Tcp_PingPong() => SocketPingPong();

    [Benchmark, BenchmarkCategory(Latency)]
    public int Uds_PingPong() => SocketPingPong();

    [Benchmark, BenchmarkCategory(Latency)]
    public int SmcVirtioIsm_PingPong() => SmcPingPong();

    [Benchmark, BenchmarkCategory(Latency)]
    public int SmcShm_PingPong() => SmcPingPong();

    [Benchmark, BenchmarkCategory(Latency)]
    public int SmcVirtioIsm_BusyPoll_PingPong() => SmcPingPong();

    [Benchmark, BenchmarkCategory(Latency)]
    public int SmcShm_BusyPoll_PingPong() => SmcPingPong();

    [Benchmark(Baseline = true, OperationsPerInvoke = Window), BenchmarkCategory(Throughput)]
    public int Tcp_Throughput() => SocketWindow();

    [Benchmark(OperationsPerInvoke = Window), BenchmarkCategory(Throughput)]
    public int Uds_Throughput() => SocketWindow();

    [Benchmark(OperationsPerInvoke = Window), BenchmarkCategory(Throughput)]
    public int SmcVirtioIsm_Throughput() => SmcWindow();

    [Benchmark(OperationsPerInvoke = Window), BenchmarkCategory(Throughput)]
    public int SmcShm_Throughput() => SmcWindow();

    [Benchmark(OperationsPerInvoke = Window), BenchmarkCategory(Throughput)]
    public int SmcVirtioIsm_BusyPoll_Throughput() => SmcWindow();

    [Benchmark(OperationsPerInvoke = Window), BenchmarkCategory(Throughput)]
    public int SmcShm_BusyPoll_Throughput() => SmcWindow();

    private int SmcPingPong()
    {
        var conn = _smc!;
        try
        {
            conn.Write(_ping);
            for (int got = 0; got < PingSize;)
                got += Expect(conn.Read(_pong.AsSpan(got)));
        }
        catch (IOException e)
        {
            throw PeerFailure(e);
        }
        return Progress(_pong[0]);
    }

    private int SmcWindow()
    {
        var conn = _smc!;
        try
        {
            for (int i = 0; i < Window; i++)
                conn.Write(_message);
            Expect(conn.Read(_ack));
        }
        catch (IOException e)
        {
            throw PeerFailure(e);
        }
        return Progress(_ack[0]);
    }

    /// <summary>A failed SMC-D op, with what the peer said on stderr (its side of the story).</summary>
    private IOException PeerFailure(IOException e)
    {
        Thread.Sleep(200);                                   // let the peer's last stderr lines arrive
        return new IOException($"{e.Message} after {Interlocked.Read(ref _ops)} ops; peer stderr: {_peer?.Errors}", e);
    }

    private int SocketPingPong()
    {
        var socket = _socket!;
        SendAll(socket, _ping);
        for (int got = 0; got < PingSize;)
            got += Expect(socket.Receive(_pong.AsSpan(got)));
        return Progress(_pong[0]);
    }

    private int SocketWindow()
    {
        var socket = _socket!;
        for (int i = 0; i < Window; i++)
            SendAll(socket, _message);
        Expect(socket.Receive(_ack));
        return Progress(_ack[0]);
    }

    private static void SendAll(Socket socket, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
            data = data[socket.Send(data)..];
    }

    private static int Expect(int read) => read > 0 ? read : throw new EndOfStreamException("the benchmark peer closed the stream");

    private int Progress(int value)
    {
        Interlocked.Increment(ref _ops);
        return value;
    }

    private void SetupSocket(bool tcp, byte mode)
    {
        EndPoint at;
        if (tcp)
        {
            _peer = PeerProcess.Start(["tcp"]);
            at = new IPEndPoint(IPAddress.Loopback, int.Parse(_peer.ReadReady()[0], System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            _socketPath = Path.Combine(Path.GetTempPath(), $"ismspec-bench-uds-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
            _peer = PeerProcess.Start(["uds", _socketPath]);
            _peer.ReadReady();
            at = new UnixDomainSocketEndPoint(_socketPath);
        }
        _socket = new Socket(at.AddressFamily, SocketType.Stream, tcp ? ProtocolType.Tcp : ProtocolType.Unspecified)
        {
            ReceiveTimeout = (int)StallLimit.TotalMilliseconds,      // a dead peer fails the benchmark instead of hanging it
            SendTimeout = (int)StallLimit.TotalMilliseconds,
        };
        if (tcp)
            _socket.NoDelay = true;
        _socket.Connect(at);
        SendAll(_socket, PeerProtocol.Hello(mode, Window * MessageSize));
    }

    private void SetupSmc(byte mode, bool shm, TimeSpan busyPoll = default)
    {
        _layer = DibsLayer.Load(configDibsLo: false);
        DibsDevice device;
        if (shm)
        {
            _fabric = SharedMemoryFabric.Create(stations: 2, slots: 4, slotSize: (int)DmbSize);
            _shm = new SharedMemoryDibsDevice(_fabric, station: 0);
            _layer.AddDevice(_shm.Device);
            device = _shm.Device;
        }
        else
        {
            _host = new IsmHost(new IsmHostOptions { HostName = "bench-stream", RegionCount = 8, RegionSize = DmbSize });
            var local = _host.CreateDevice();
            local.Start();
            _driver = VirtioIsmDriver.Connect(new LocalPort(local));
            _vism = VirtioIsmDibsDevice.Probe(_layer, _driver).Value;
            device = _vism.Device;
        }
        _smcd = SmcdClient.Register(_layer).Value;
        var dmb = DmbSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var poll = ((int)busyPoll.TotalMicroseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (shm)
        {
            _peer = PeerProcess.Start(["smc-shm", dmb, poll, .. _fabric!.ChildArguments()], _fabric.SetInheritable);
        }
        else
        {
            _socketPath = Path.Combine(Path.GetTempPath(), $"ismspec-bench-smc-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
            _endpoint = new RemoteGuestEndpoint(_host!.CreateDevice(), _socketPath);
            _peer = PeerProcess.Start(["smc-vism", dmb, poll, .. _endpoint.GuestInfo.ToArguments()], _endpoint.SetInheritable);
        }
        var channel = new DuplexStream(_peer.Process.StandardOutput.BaseStream, _peer.Process.StandardInput.BaseStream);
        var connect = SmcdEndpoint.ConnectAsync(_smcd, device, channel, new SmcdStreamOptions { DmbSize = DmbSize, BusyPoll = busyPoll });
        if (!connect.Wait(PeerProcess.StartTimeout))
            throw _peer.Failed("did not complete the SMC-D handshake");
        _smc = connect.Result;
        _smc.Write(PeerProtocol.Hello(mode, Window * MessageSize));
        // SmcdConnection.Read has no timeout: abort the connection when no op completes for StallLimit, so a dead
        // peer fails the benchmark (the blocked read throws) instead of hanging it.
        _watchdog = new Timer(_ =>
        {
            long ops = Interlocked.Read(ref _ops);
            if (ops == _seen)
                _smc?.Abort();
            _seen = ops;
        }, null, StallLimit, StallLimit);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _watchdog?.Dispose();
        _socket?.Dispose();
        _smc?.Dispose();
        bool clean = _peer?.Stop() ?? true;
        string errors = _peer?.Errors ?? "";
        _peer?.Dispose();
        _endpoint?.WaitGone(PeerProcess.ExitTimeout);
        _endpoint?.Dispose();
        _smcd?.Unregister();
        _vism?.Remove();
        _driver?.DisposeAsync().AsTask().Wait(PeerProcess.ExitTimeout);
        _host?.Dispose();
        if (_shm is not null)
            _layer?.DeleteDevice(_shm.Device);
        _shm?.Dispose();
        _fabric?.Dispose();
        if (_socketPath is not null)
            File.Delete(_socketPath);
        (_watchdog, _socket, _smc, _peer, _endpoint, _smcd, _vism, _driver, _host, _socketPath) = (null, null, null, null, null, null, null, null, null, null);
        (_shm, _fabric, _layer) = (null, null, null);
        if (!clean)
            Console.Error.WriteLine($"// warning: the benchmark peer did not exit cleanly: {errors}");
    }
}
