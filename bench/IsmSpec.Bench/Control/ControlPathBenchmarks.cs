using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using IsmSpec.Bench.Streaming;
using IsmSpec.Dibs;
using IsmSpec.IsmDriver;
using IsmSpec.S390Ism;
using IsmSpec.Specs.S390Ism;
using IsmSpec.VirtioIsm.Device;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;
using IsmSpec.VirtioIsm.Remote;

namespace IsmSpec.Bench.Control;

/// <summary>
/// Control path: one command round trip per op.
/// virtio-ism: ALLOC(4096) + DETACH through the real controlq (split ring in guest RAM, eventfd doorbell and
/// interrupt, the generated dispatcher) — two round trips per op. Baseline: the in-process device polled on its
/// service thread (<see cref="VirtioIsmDevice.Start"/>). Variants: the same device polled inline by the benchmark
/// thread (one thread hop less), and the device host in another process (IsmSpec.Bench.Peer vism-host) with the
/// guest here on a <see cref="RemotePort"/>. region_size is 4096 so ALLOC's zeroing of the slot costs next to nothing.
/// s390 ISM: QUERY_RGID through IsmDibsDriver's command path (ism_cmd: body, header, response loads), and the raw
/// command block (IsmCommands.TryWriteQueryRgid + IsmFunction.ExecuteCommand + TryReadQueryRgidResponse).
/// </summary>
[MemoryDiagnoser, CategoriesColumn]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class ControlPathBenchmarks
{
    private const ulong RegionSize = 4096;
    private IsmHost? _host;
    private VirtioIsmDevice? _inlineDevice;
    private VirtioIsmDriver? _threaded, _inline, _remote;
    private RemotePort? _remotePort;
    private PeerProcess? _peer;
    private IsmDibsDriver? _ismA, _ismB;
    private IsmFunction? _raw;
    private byte[] _rgidB = [];
    private ulong _rawRgid;

    private static readonly VirtioIsmDriverOptions DriverOptions = new() { CommandTimeout = TimeSpan.FromSeconds(10) };

    [GlobalSetup(Targets = new[] { nameof(VirtioIsm_InProcess_ServiceThread), nameof(VirtioIsm_InProcess_InlinePoll) })]
    public void SetupInProcess()
    {
        _host = new IsmHost(new IsmHostOptions { HostName = "bench-control", RegionCount = 16, RegionSize = RegionSize });
        var threaded = _host.CreateDevice();
        threaded.Start();
        _threaded = VirtioIsmDriver.Connect(new LocalPort(threaded), DriverOptions);
        _inlineDevice = _host.CreateDevice();                 // never started: the benchmark thread calls Poll
        _inline = VirtioIsmDriver.Connect(new LocalPort(_inlineDevice), DriverOptions);
    }

    [GlobalSetup(Target = nameof(VirtioIsm_CrossProcess))]
    public void SetupCrossProcess()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"ismspec-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        _peer = PeerProcess.Start(["vism-host", socket]);
        var info = RemoteGuestInfo.Parse(_peer.ReadReady());
        if (info.HostPid != _peer.Id)
            throw _peer.Failed($"reported pid {info.HostPid}, expected {_peer.Id}");
        // The eventfds of the device live in the peer; take duplicates (the memfds RemotePort opens via /proc itself).
        info = info with { DoorbellFd = PidFd.Take(info.HostPid, info.DoorbellFd), InterruptFd = PidFd.Take(info.HostPid, info.InterruptFd) };
        _remotePort = new RemotePort(info);
        _remote = VirtioIsmDriver.Connect(_remotePort, DriverOptions);
    }

    [GlobalSetup(Targets = new[] { nameof(S390Ism_QueryRgid_Driver), nameof(S390Ism_QueryRgid_RawBlock) })]
    public void SetupS390()
    {
        var fabric = new IsmFabric(pchid: 0x0123);
        _ismA = IsmDibsDriver.Probe(DibsLayer.Load(configDibsLo: false), fabric.CreateFunction(new IsmHostMemory(2 << 20)), new IsmDriverOptions { Uid = 0xA, PoolBytes = 1 << 20 }).Value;
        _ismB = IsmDibsDriver.Probe(DibsLayer.Load(configDibsLo: false), fabric.CreateFunction(new IsmHostMemory(2 << 20)), new IsmDriverOptions { Uid = 0xB, PoolBytes = 1 << 20 }).Value;
        _rgidB = _ismB.Device.Gid.ToArray();
        _raw = fabric.CreateFunction(new IsmHostMemory(1 << 20));   // no driver: the benchmark owns its command area
        _rawRgid = fabric.CreateFunction(new IsmHostMemory(1 << 20)).Gid;
        if (S390Ism_QueryRgid_Driver() != 0 || S390Ism_QueryRgid_RawBlock() != IsmCommands.Ok)
            throw new InvalidOperationException("QUERY_RGID of a function on the same fabric did not answer success");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var driver in new[] { _threaded, _inline, _remote })
            driver?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        _remotePort?.Dispose();
        _peer?.Dispose();
        _host?.Dispose();
        _ismA?.Remove();
        _ismB?.Remove();
        (_threaded, _inline, _remote, _remotePort, _peer, _host, _ismA, _ismB) = (null, null, null, null, null, null, null, null);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("virtio-ism")]
    public Task<ulong> VirtioIsm_InProcess_ServiceThread() => AllocDetach(_threaded!);

    [Benchmark, BenchmarkCategory("virtio-ism")]
    public async Task<ulong> VirtioIsm_InProcess_InlinePoll()
    {
        var driver = _inline!;
        var alloc = driver.AllocAsync(RegionSize);            // the chain is in the ring and kicked when this returns
        _inlineDevice!.Poll();
        var region = (await alloc.ConfigureAwait(false)).Value;
        var detach = driver.DetachAsync(region);
        _inlineDevice.Poll();
        (await detach.ConfigureAwait(false)).ThrowIfFailed();
        return region.Offset;
    }

    [Benchmark, BenchmarkCategory("virtio-ism")]
    public Task<ulong> VirtioIsm_CrossProcess() => AllocDetach(_remote!);

    [Benchmark, BenchmarkCategory("s390-ism")]
    public int S390Ism_QueryRgid_Driver() => _ismA!.QueryRemoteGid(_ismA.Device, _rgidB, 0, 0);

    [Benchmark, BenchmarkCategory("s390-ism")]
    public IsmRet S390Ism_QueryRgid_RawBlock()
    {
        var function = _raw!;
        IsmCommands.TryWriteQueryRgid(function.CommandArea, new IsmQueryRgidRequest { Rgid = _rawRgid }, out _);
        function.ExecuteCommand();
        IsmCommands.TryReadQueryRgidResponse(function.CommandArea, out var code, out _);
        return code;
    }

    private static async Task<ulong> AllocDetach(VirtioIsmDriver driver)
    {
        var region = (await driver.AllocAsync(RegionSize).ConfigureAwait(false)).Value;
        (await driver.DetachAsync(region).ConfigureAwait(false)).ThrowIfFailed();
        return region.Offset;
    }
}
