namespace IsmSpec.IsmDriver.Tests.Support;

/// <summary>
/// One LPAR: an emulated ISM function in its own host memory (pre-filled with a pattern, so tests can see
/// that nothing outside a DMB changed), reached through a <see cref="RecordingPci"/>, driven by an
/// <see cref="IsmDibsDriver"/> that is a DIBS device in this LPAR's own <see cref="DibsLayer"/> with one client.
/// </summary>
internal sealed class IsmSide
{
    public const byte Pattern = 0xA5;

    private IsmSide(IsmFunction function, RecordingPci pci, DibsLayer layer, RecordingClient client, IsmDibsDriver driver)
    {
        (Function, Pci, Layer, Client, Driver) = (function, pci, layer, client, driver);
    }

    public IsmFunction Function { get; }
    public RecordingPci Pci { get; }
    public DibsLayer Layer { get; }
    public RecordingClient Client { get; }
    public IsmDibsDriver Driver { get; }
    public DibsDevice Dev => Driver.Device;

    public static IsmHostMemory NewHost(int size)
    {
        var host = new IsmHostMemory(size);
        host.All.Fill(Pattern);
        return host;
    }

    /// <summary>Creates the function, registers the client, probes the driver (asserting success).</summary>
    public static IsmSide Create(IsmFabric fabric, int hostSize = 6 << 20, int poolBytes = 4 << 20, int maxDmbs = IsmFunction.DefaultMaxDmbs,
        Action<RecordingPci>? setup = null, Action<string>? log = null, uint uid = 0x1A2B)
    {
        var function = fabric.CreateFunction(NewHost(hostSize), maxDmbs);
        var pci = new RecordingPci(function) { Log = log };
        setup?.Invoke(pci);
        var layer = DibsLayer.Load(configDibsLo: false);
        var client = new RecordingClient("SMC-D", log);
        Assert.Equal(DibsResult.Ok, layer.RegisterClient(client.Client));
        var probed = IsmDibsDriver.Probe(layer, pci, new IsmDriverOptions { Uid = uid, PoolBytes = poolBytes, Trace = log });
        Assert.True(probed.IsOk, $"probe failed: {probed}");
        return new IsmSide(function, pci, layer, client, probed.Value);
    }

    /// <summary>register_dmb through the driver; asserts success.</summary>
    public DibsDmb Register(uint len, ReadOnlySpan<byte> rgid, uint idx = 0, RecordingClient? owner = null)
    {
        var dmb = Dmb(len, rgid, idx);
        Assert.Equal(0, Driver.RegisterDmb(Dev, ref dmb, (owner ?? Client).Client));
        return dmb;
    }

    public static DibsDmb Dmb(uint len, ReadOnlySpan<byte> rgid, uint idx = 0)
    {
        var dmb = new DibsDmb { DmbLen = len, Idx = idx };
        rgid.CopyTo(dmb.Rgid);
        return dmb;
    }

    public Span<byte> Memory(ulong token) => Driver.GetDmbMemory(Dev, token).Value.Span;

    public byte[] Snapshot() => Function.HostMemory.All.ToArray();

    /// <summary>GID of this side as a DIBS GID (16 bytes).</summary>
    public byte[] Gid => Dev.Gid.ToArray();
}

/// <summary>Two LPARs A and B on one ISM fabric (PCHID 0x0123).</summary>
internal sealed class IsmPair
{
    public const ushort Pchid = 0x0123;

    public IsmPair(int hostSize = 6 << 20, int poolBytes = 4 << 20, Action<RecordingPci>? setupB = null, int maxDmbsB = IsmFunction.DefaultMaxDmbs)
    {
        Fabric = new IsmFabric(Pchid);
        A = IsmSide.Create(Fabric, hostSize, poolBytes, uid: 0xA);
        B = IsmSide.Create(Fabric, hostSize, poolBytes, maxDmbsB, setupB, uid: 0xB);
    }

    public IsmFabric Fabric { get; }
    public IsmSide A { get; }
    public IsmSide B { get; }

    /// <summary>B registers a DMB that A may write.</summary>
    public DibsDmb DmbOnB(uint len = 16384, uint idx = 0) => B.Register(len, A.Gid, idx);
}
