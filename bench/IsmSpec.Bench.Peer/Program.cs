using System.Globalization;
using System.Net;
using System.Net.Sockets;
using IsmSpec.Bench.Peer;
using IsmSpec.Dibs;
using IsmSpec.Smc;
using IsmSpec.Smc.SharedMemory;
using IsmSpec.VirtioIsm.Dibs;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Remote;

// The second process of the cross-process benchmarks. Every mode ends when its stdin ends (the benchmark's
// GlobalCleanup closes it), so a peer never outlives its benchmark; a watchdog ends it after an hour regardless.
//   vism-host <socket>   a virtio-ism host with one device behind a RemoteGuestEndpoint (the guest is the benchmark
//                        process); prints "READY <RemoteGuestInfo>" — the benchmark takes the eventfds with pidfd_getfd
//   tcp                  listens on 127.0.0.1:0, prints "READY <port>", serves PeerProtocol on every connection
//   uds <path>           the same on a Unix domain socket
//   smc-vism <dmbSize> <busyPollMicroseconds> <RemoteGuestInfo (7)>
//                        a virtio-ism guest of the benchmark's host (inherited eventfds), VirtioIsmDibsDevice + SMC-D
//                        client; SMC-D handshakes over stdin/stdout; serves PeerProtocol on every connection
//   smc-shm <dmbSize> <busyPollMicroseconds> <SharedMemoryFabric.ChildArguments>
//                        the same on station 1 of the benchmark's SharedMemoryDibsDevice fabric (memfd + eventfds)
_ = new Timer(_ => Environment.Exit(70), null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
string mode = args.Length > 0 ? args[0] : "";
try
{
    return mode switch
    {
        "vism-host" when args.Length == 2 => VismHost(args[1]),
        "tcp" when args.Length == 1 => Sockets(new IPEndPoint(IPAddress.Loopback, 0)),
        "uds" when args.Length == 2 => Sockets(new UnixDomainSocketEndPoint(args[1])),
        "smc-vism" when args.Length == 3 + RemoteGuestInfo.ArgumentCount => await SmcVism(args),
        "smc-shm" when args.Length >= 6 => await SmcShm(args),
        _ => Usage(),
    };
}
catch (Exception e)
{
    Console.Error.WriteLine($"peer {mode} failed: {e}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: vism-host SOCKET | tcp | uds PATH | smc-vism DMBSIZE BUSYPOLL_US hostPid socket ramFd regionsFd notifyFd doorbellFd interruptFd | smc-shm DMBSIZE BUSYPOLL_US parentPid memfd eventfd…");
    return 64;
}

static void WaitForStdinEnd()
{
    using var stdin = Console.OpenStandardInput();
    var sink = new byte[64];
    while (stdin.Read(sink) > 0) { }
}

static int VismHost(string socketPath)
{
    using var host = new IsmHost(new IsmHostOptions { HostName = "bench-control", RegionCount = 16, RegionSize = 64 * 1024 });
    using var endpoint = new RemoteGuestEndpoint(host.CreateDevice(), socketPath);
    Console.WriteLine("READY " + string.Join(' ', endpoint.GuestInfo.ToArguments()));
    WaitForStdinEnd();
    File.Delete(socketPath);
    return 0;
}

static int Sockets(EndPoint at)
{
    using var listener = new Socket(at.AddressFamily, SocketType.Stream, at is IPEndPoint ? ProtocolType.Tcp : ProtocolType.Unspecified);
    listener.Bind(at);
    listener.Listen(4);
    Console.WriteLine($"READY {(listener.LocalEndPoint as IPEndPoint)?.Port ?? 0}");
    var accepting = new Thread(() =>
    {
        try
        {
            while (true)
            {
                var socket = listener.Accept();
                if (socket.AddressFamily != AddressFamily.Unix) socket.NoDelay = true;
                new Thread(() =>
                {
                    using var stream = new NetworkStream(socket, ownsSocket: true);
                    PeerProtocol.Serve(stream);
                }) { IsBackground = true, Name = "bench peer connection" }.Start();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }) { IsBackground = true, Name = "bench peer accept" };
    accepting.Start();
    WaitForStdinEnd();
    if (at is UnixDomainSocketEndPoint) File.Delete(at.ToString()!);
    return 0;
}

static async Task<int> SmcVism(string[] args)
{
    using var port = new RemotePort(RemoteGuestInfo.Parse(args[3..]));
    var driver = VirtioIsmDriver.Connect(port);
    var layer = DibsLayer.Load(configDibsLo: false);
    var vism = VirtioIsmDibsDevice.Probe(layer, driver).Value;
    bool ok = await ServeSmc(layer, vism.Device, args[1], args[2]);
    ok &= vism.Remove().IsOk;
    await driver.DisposeAsync();
    return ok ? 0 : 3;
}

static async Task<int> SmcShm(string[] args)
{
    using var fabric = SharedMemoryFabric.Open(args[3..]);
    using var device = new SharedMemoryDibsDevice(fabric, station: 1);
    var layer = DibsLayer.Load(configDibsLo: false);
    layer.AddDevice(device.Device);
    bool ok = await ServeSmc(layer, device.Device, args[1], args[2]);
    layer.DeleteDevice(device.Device);
    return ok ? 0 : 3;
}

// Accepts SMC-D connections over stdin/stdout until stdin ends, serving each on its own thread (with the benchmark's
// busy poll, so both ends poll or neither does).
static async Task<bool> ServeSmc(DibsLayer layer, DibsDevice device, string dmbSize, string busyPollMicroseconds)
{
    var smcd = SmcdClient.Register(layer).Value;
    using var channel = new DuplexStream(Console.OpenStandardInput(), Console.OpenStandardOutput());
    var options = new SmcdStreamOptions
    {
        DmbSize = uint.Parse(dmbSize, CultureInfo.InvariantCulture),
        BusyPoll = TimeSpan.FromMicroseconds(int.Parse(busyPollMicroseconds, CultureInfo.InvariantCulture)),
    };
    var served = new List<(SmcdConnection Connection, Thread Thread)>();
    while (true)
    {
        SmcdConnection conn;
        try
        {
            conn = await SmcdEndpoint.AcceptAsync(smcd, device, channel, options);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            break;
        }
        var thread = new Thread(() => PeerProtocol.Serve(conn.GetStream())) { IsBackground = true, Name = "bench peer smc" };
        thread.Start();
        served.Add((conn, thread));
    }
    foreach (var (conn, thread) in served)
    {
        thread.Join(TimeSpan.FromSeconds(5));
        conn.Dispose();
    }
    return smcd.Unregister().IsOk;
}
