using IsmSpec.IsmDriver;
using IsmSpec.S390Ism;
using IsmSpec.VirtioIsm.Dibs;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.Smc.Tests.Support;

/// <summary>
/// Two LPARs on one emulated ISM fabric (as IsmSpec.IsmDriver.Tests' IsmPair): each an ISM function driven by an
/// IsmDibsDriver in its own DIBS layer with its own SMC-D client. Signals arrive through SBA bits and the
/// interrupt handler (rules 61, 62), writes as 4 KiB store blocks (rule 57).
/// </summary>
internal sealed class IsmEmulationBed : StreamBed
{
    private readonly IsmDibsDriver[] _drivers = new IsmDibsDriver[2];
    private readonly DibsLayer[] _layers = [DibsLayer.Load(false), DibsLayer.Load(false)];
    private readonly SmcdClient[] _clients = new SmcdClient[2];

    public IsmEmulationBed()
    {
        var fabric = new IsmFabric(pchid: 0x0123);
        for (var i = 0; i < 2; i++)
        {
            _clients[i] = SmcdClient.Register(_layers[i]).Value;
            var function = fabric.CreateFunction(new IsmHostMemory(6 << 20));
            _drivers[i] = IsmDibsDriver.Probe(_layers[i], function, new IsmDriverOptions { Uid = 0xA + (uint)i }).Value;
        }
    }

    public override (SmcdClient, DibsDevice) A => (_clients[0], _drivers[0].Device);
    public override (SmcdClient, DibsDevice) B => (_clients[1], _drivers[1].Device);

    public override void Dispose()
    {
        for (var i = 0; i < 2; i++)
        {
            _drivers[i].Remove();
            _clients[i].Unregister();
        }
    }
}

/// <summary>
/// Two guests of one virtio-ism host in this process (LocalPort), each a VirtioIsmDibsDevice in its own DIBS layer
/// with its own SMC-D client. A small REGIONS window per device makes the writers evict cached attachments.
/// </summary>
internal sealed class VirtioIsmBed : StreamBed
{
    private readonly VirtioIsmDriver[] _drivers = new VirtioIsmDriver[2];
    private readonly VirtioIsmDibsDevice[] _devices = new VirtioIsmDibsDevice[2];
    private readonly DibsLayer[] _layers = [DibsLayer.Load(false), DibsLayer.Load(false)];
    private readonly SmcdClient[] _clients = new SmcdClient[2];

    public VirtioIsmBed()
    {
        Host = new IsmHost(new IsmHostOptions { HostName = "smc-stream", RegionCount = 64, RegionSize = 64 * 1024, MaxReferencesPerDevice = 16 });
        for (var i = 0; i < 2; i++)
        {
            var device = Host.CreateDevice();
            device.Start();
            _drivers[i] = VirtioIsmDriver.Connect(new LocalPort(device));
            _devices[i] = VirtioIsmDibsDevice.Probe(_layers[i], _drivers[i]).Value;
            _clients[i] = SmcdClient.Register(_layers[i]).Value;
        }
    }

    public IsmHost Host { get; }
    public override (SmcdClient, DibsDevice) A => (_clients[0], _devices[0].Device);
    public override (SmcdClient, DibsDevice) B => (_clients[1], _devices[1].Device);

    public override void Dispose()
    {
        for (var i = 0; i < 2; i++)
        {
            _clients[i].Unregister();
            _devices[i].Remove();
            _drivers[i].DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        Host.Dispose();
    }
}
