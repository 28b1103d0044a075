using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.VirtioIsm.Dibs.Tests.Support;

/// <summary>One guest of the bed's host: its virtio-ism driver, its own DIBS layer with one client, and the DIBS device.</summary>
internal sealed record VismGuest(VirtioIsmDriver Driver, DibsLayer Layer, RecordingClient Client, VirtioIsmDibsDevice Vism)
{
    public DibsDevice Dev => Vism.Device;
    public byte[] Gid => Dev.Gid.ToArray();

    /// <summary>register_dmb with rgid = <paramref name="writer"/>'s GID; asserts success.</summary>
    public DibsDmb Register(uint len, VismGuest? writer = null, RecordingClient? owner = null)
    {
        var dmb = new DibsDmb { DmbLen = len };
        (writer ?? this).Gid.CopyTo(dmb.Rgid);
        Assert.Equal(0, Vism.RegisterDmb(Dev, ref dmb, (owner ?? Client).Client));
        return dmb;
    }

    public Span<byte> Memory(ulong token) => Vism.GetDmbMemory(Dev, token).Value.Span;
}

/// <summary>An IsmHost with in-process guests (LocalPort), each a DIBS device in its own layer (two "systems").</summary>
internal sealed class VismBed : IDisposable
{
    public const ulong RegionSize = 64 * 1024;
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly List<VismGuest> _guests = [];

    public VismBed(int regions = 32, int window = 16, string hostName = "dibs-bed") =>
        Host = new IsmHost(new IsmHostOptions { HostName = hostName, RegionCount = regions, RegionSize = RegionSize, MaxReferencesPerDevice = window });

    public IsmHost Host { get; }

    public VismGuest AddGuest(VirtioIsmDibsOptions? options = null)
    {
        var device = Host.CreateDevice();
        device.Start();
        var driver = VirtioIsmDriver.Connect(new LocalPort(device), new VirtioIsmDriverOptions { CommandTimeout = TimeSpan.FromSeconds(5) });
        var layer = DibsLayer.Load(configDibsLo: false);
        var client = new RecordingClient();
        Assert.True(layer.RegisterClient(client.Client).IsOk);
        var vism = VirtioIsmDibsDevice.Probe(layer, driver, options).Value;
        var guest = new VismGuest(driver, layer, client, vism);
        _guests.Add(guest);
        return guest;
    }

    public (VismGuest A, VismGuest B) Pair() => (AddGuest(), AddGuest());

    public void Dispose()
    {
        foreach (var g in _guests)
        {
            g.Vism.Remove();
            g.Driver.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        Host.Dispose();
    }
}
