using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Conformance.Smc;

/// <summary>
/// A do-nothing stub and a starting point for a third party's adapter: it registers a DIBS client that ignores
/// every callback, and every operation fails or answers nothing. Each applicable requirement fails against it
/// with a message; none crashes the run.
/// </summary>
public sealed class NullSmcdClient : ISmcdClientUnderTest
{
    public string Name => "smcd-null";
    public bool UsesNocopy => false;

    public ISmcdClientInstance Register(DibsLayer layer, Func<DibsDevice, string?> pnetIds)
    {
        var instance = new Instance(layer);
        layer.RegisterClient(instance.Client);
        return instance;
    }

    public byte[] ToDibsGid(ulong gid, ulong gidExt) => new byte[16];
    public (ulong Gid, ulong GidExt) FromDibsGid(ReadOnlySpan<byte> dibsGid) => (0, 0);
    public SmcdFabricClass ClassifyFabric(ushort fabricId) => SmcdFabricClass.Ism;

    private sealed class Instance : ISmcdClientInstance, IDibsClientOps<DibsDevice>
    {
        private readonly DibsLayer _layer;

        public Instance(DibsLayer layer)
        {
            _layer = layer;
            Client = new DibsClient("smcd-null", this);
        }

        public DibsClient Client { get; }
        public IReadOnlyList<DibsDevice> Devices => [];
        public bool IsV2Capable(DibsDevice dev) => false;
        public int GetVlan(DibsDevice dev, ushort vlanId) => 0;
        public int PutVlan(DibsDevice dev, ushort vlanId) => 0;
        public int SignalShutdown(DibsDevice dev, ReadOnlySpan<byte> peerGid, uint lgrId, ushort vlanId) => 0;
        public int SendTestLink(DibsDevice dev, ReadOnlySpan<byte> peerGid, uint lgrId, ushort vlanId) => 0;
        public Task<ISmcdConnectionUnderTest> ConnectAsync(DibsDevice dev, Stream channel, uint? dmbSize, CancellationToken ct) => Task.FromException<ISmcdConnectionUnderTest>(new NotSupportedException("smcd-null does not connect"));
        public Task<ISmcdConnectionUnderTest> AcceptAsync(DibsDevice dev, Stream channel, uint? dmbSize, CancellationToken ct) => Task.FromException<ISmcdConnectionUnderTest>(new NotSupportedException("smcd-null does not accept"));
        public DibsResult Shutdown() => DibsResult.Fail(Errno.EOPNOTSUPP);
        public void Dispose() => _layer.UnregisterClient(Client);

        public void AddDev(DibsDevice dev) { }
        public void DelDev(DibsDevice dev) { }
        public void HandleIrq(DibsDevice dev, uint idx, ushort dmbemask) { }
        public void HandleEvent(DibsDevice dev, ref DibsEvent @event) { }
    }
}
