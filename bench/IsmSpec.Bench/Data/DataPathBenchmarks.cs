using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using IsmSpec.Dibs;
using IsmSpec.Dibs.Loopback;
using IsmSpec.IsmDriver;
using IsmSpec.S390Ism;
using IsmSpec.Specs.Dibs;
using IsmSpec.VirtioIsm.Dibs;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.Bench.Data;

/// <summary>
/// Data path: one op = one DIBS move_data of <see cref="Size"/> bytes at offset 0 of a 1 MiB DMB, sf = 0 (a plain
/// write; signalling is measured by the control and stream benchmarks), on each device in process. Throughput =
/// Size / mean (bench/README.md converts). Baseline: Buffer.MemoryCopy of the same size between two page-aligned
/// native buffers (the best case, no 4K aliasing), the physical limit of any of them. Every move reads the same
/// page-aligned source.
/// - loopback: DibsLoopback, a DMB of the loopback device itself (the only target it has).
/// - ISM emulation: IsmDibsDriver of function A writes a DMB registered by function B's driver on the same fabric:
///   4 KiB store blocks, each addressed by the generated move_data word and run by IsmFunction.StoreBlock.
/// - virtio-ism: VirtioIsmDibsDevice of guest A writes a DMB (region) allocated by guest B of the same IsmHost
///   (region_size 1 MiB); the ATTACH happens once in the setup, each op is a copy through the guest's region view.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
public unsafe class DataPathBenchmarks
{
    private const int DmbLen = 1 << 20;
    private byte* _source, _target;
    private DibsLoopback? _lo;
    private ulong _loToken, _ismToken, _vismToken;
    private IsmDibsDriver? _ismA, _ismB;
    private IsmHost? _host;
    private VirtioIsmDriver? _vismDriverA, _vismDriverB;
    private VirtioIsmDibsDevice? _vismA, _vismB;
    private readonly List<Action> _unregister = [];

    [Params(64, 4096, 64 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _source = (byte*)NativeMemory.AlignedAlloc(DmbLen, 4096);
        _target = (byte*)NativeMemory.AlignedAlloc(DmbLen, 4096);
        Random.Shared.NextBytes(new Span<byte>(_source, DmbLen));
        new Span<byte>(_target, DmbLen).Clear();

        var loLayer = DibsLayer.Load(configDibsLo: true);
        _lo = loLayer.Loopback!;
        _loToken = Register(_unregister, loLayer, _lo, _lo.Device, _lo.Device.Gid);

        var fabric = new IsmFabric(pchid: 0x0123);
        var ismLayerA = DibsLayer.Load(configDibsLo: false);
        var ismLayerB = DibsLayer.Load(configDibsLo: false);
        var ismOptions = (uint uid) => new IsmDriverOptions { Uid = uid, PoolBytes = 4 << 20 };
        _ismA = IsmDibsDriver.Probe(ismLayerA, fabric.CreateFunction(new IsmHostMemory(6 << 20)), ismOptions(0xA)).Value;
        _ismB = IsmDibsDriver.Probe(ismLayerB, fabric.CreateFunction(new IsmHostMemory(6 << 20)), ismOptions(0xB)).Value;
        _ismToken = Register(_unregister, ismLayerB, _ismB, _ismB.Device, _ismA.Device.Gid);

        _host = new IsmHost(new IsmHostOptions { HostName = "bench-data", RegionCount = 4, RegionSize = DmbLen });
        var vismLayerA = DibsLayer.Load(configDibsLo: false);
        var vismLayerB = DibsLayer.Load(configDibsLo: false);
        (_vismDriverA, _vismA) = Guest(_host, vismLayerA);
        (_vismDriverB, _vismB) = Guest(_host, vismLayerB);
        _vismToken = Register(_unregister, vismLayerB, _vismB, _vismB.Device, _vismA.Device.Gid);

        // First move on each path: the virtio-ism ATTACH, and a check that every path accepts this size.
        if (Loopback_MoveData() != 0 || IsmEmulation_MoveData() != 0 || VirtioIsm_MoveData() != 0)
            throw new InvalidOperationException("a move_data in the setup failed");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var unregister in _unregister)
            unregister();
        _unregister.Clear();
        _vismA?.Remove();
        _vismB?.Remove();
        foreach (var driver in new[] { _vismDriverA, _vismDriverB })
            driver?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        _host?.Dispose();
        _ismA?.Remove();
        _ismB?.Remove();
        _lo?.Remove(TimeSpan.FromSeconds(5));
        (_vismA, _vismB, _vismDriverA, _vismDriverB, _host, _ismA, _ismB, _lo) = (null, null, null, null, null, null, null, null);
        NativeMemory.AlignedFree(_source);
        NativeMemory.AlignedFree(_target);
        _source = _target = null;
    }

    [Benchmark(Baseline = true)]
    public int MemoryCopy()
    {
        Buffer.MemoryCopy(_source, _target, DmbLen, Size);
        return 0;
    }

    [Benchmark]
    public int Loopback_MoveData() => _lo!.MoveData(_lo.Device, _loToken, 0, false, 0, Source);

    [Benchmark]
    public int IsmEmulation_MoveData() => _ismA!.MoveData(_ismA.Device, _ismToken, 0, false, 0, Source);

    [Benchmark]
    public int VirtioIsm_MoveData() => _vismA!.MoveData(_vismA.Device, _vismToken, 0, false, 0, Source);

    private ReadOnlySpan<byte> Source => new(_source, Size);

    private static (VirtioIsmDriver, VirtioIsmDibsDevice) Guest(IsmHost host, DibsLayer layer)
    {
        var device = host.CreateDevice();
        device.Start();
        var driver = VirtioIsmDriver.Connect(new LocalPort(device));
        return (driver, VirtioIsmDibsDevice.Probe(layer, driver).Value);
    }

    /// <summary>A 1 MiB DMB on <paramref name="dev"/> owned by a do-nothing client, writable by <paramref name="writerGid"/>.</summary>
    private static ulong Register(List<Action> undo, DibsLayer layer, IDibsDevOps<DibsDevice, DibsClient> ops, DibsDevice dev, ReadOnlySpan<byte> writerGid)
    {
        var client = new DibsClient("bench", new NopClient());
        if (!layer.RegisterClient(client).IsOk)
            throw new InvalidOperationException("client registration failed");
        var dmb = new DibsDmb { DmbLen = DmbLen };
        writerGid.CopyTo(dmb.Rgid);
        int rc = ops.RegisterDmb(dev, ref dmb, client);
        if (rc != 0)
            throw new InvalidOperationException($"register_dmb failed: {Errno.Name(rc)}");
        undo.Add(() =>
        {
            ops.UnregisterDmb(dev, ref dmb);
            layer.UnregisterClient(client);
        });
        return dmb.DmbTok;
    }

    private sealed class NopClient : IDibsClientOps<DibsDevice>
    {
        public void AddDev(DibsDevice dev) { }
        public void DelDev(DibsDevice dev) { }
        public void HandleIrq(DibsDevice dev, uint idx, ushort dmbemask) { }
        public void HandleEvent(DibsDevice dev, ref DibsEvent @event) { }
    }
}
