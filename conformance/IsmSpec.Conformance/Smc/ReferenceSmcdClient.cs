using IsmSpec.Dibs;
using IsmSpec.Smc;

namespace IsmSpec.Conformance.Smc;

/// <summary>
/// The reference adapter: IsmSpec's SMC-D client and stream (src/IsmSpec.Smc) — <see cref="SmcdClient"/>,
/// <see cref="SmcdEndpoint"/> setup, <see cref="SmcdConnection"/>, and the device-level pieces (VLAN table,
/// device list, software events, GID and fabric helpers). It does not use nocopy.
/// </summary>
public sealed class ReferenceSmcdClient : ISmcdClientUnderTest
{
    public string Name => "smcd-reference";
    public bool UsesNocopy => false;

    public ISmcdClientInstance Register(DibsLayer layer, Func<DibsDevice, string?> pnetIds)
    {
        var smcd = SmcdClient.Register(layer, pnetIds);
        return smcd.TryGetValue(out var client) ? new Instance(client) : throw new InvalidOperationException($"dibs_register_client: {smcd}");
    }

    public byte[] ToDibsGid(ulong gid, ulong gidExt) => SmcdGid.ToDibsGid(gid, gidExt);
    public (ulong Gid, ulong GidExt) FromDibsGid(ReadOnlySpan<byte> dibsGid) => SmcdGid.FromDibsGid(dibsGid);
    public SmcdFabricClass ClassifyFabric(ushort fabricId) => (SmcdFabricClass)(int)SmcdFabric.Classify(fabricId);

    private sealed class Instance(SmcdClient smcd) : ISmcdClientInstance
    {
        private readonly List<SmcdConnection> _conns = [];

        public DibsClient Client => smcd.Client;
        public IReadOnlyList<DibsDevice> Devices => smcd.DeviceList.Devices;
        public bool IsV2Capable(DibsDevice dev) => smcd.IsV2Capable(dev);
        public int GetVlan(DibsDevice dev, ushort vlanId) => smcd.Vlans.Get(dev, vlanId);
        public int PutVlan(DibsDevice dev, ushort vlanId) => smcd.Vlans.Put(dev, vlanId);
        public int SignalShutdown(DibsDevice dev, ReadOnlySpan<byte> peerGid, uint lgrId, ushort vlanId) => SmcdSoftwareEvents.SignalShutdown(dev, peerGid, lgrId, vlanId);
        public int SendTestLink(DibsDevice dev, ReadOnlySpan<byte> peerGid, uint lgrId, ushort vlanId) => SmcdSoftwareEvents.SendTestLink(dev, peerGid, lgrId, vlanId);

        public async Task<ISmcdConnectionUnderTest> ConnectAsync(DibsDevice dev, Stream channel, uint? dmbSize, CancellationToken ct) =>
            Track(await SmcdEndpoint.ConnectAsync(smcd, dev, channel, Options(dmbSize), ct).ConfigureAwait(false));

        public async Task<ISmcdConnectionUnderTest> AcceptAsync(DibsDevice dev, Stream channel, uint? dmbSize, CancellationToken ct) =>
            Track(await SmcdEndpoint.AcceptAsync(smcd, dev, channel, Options(dmbSize), ct).ConfigureAwait(false));

        /// <summary>Module exit: close every connection (their DMBs go, rule 67), then dibs_unregister_client.</summary>
        public DibsResult Shutdown()
        {
            SmcdConnection[] open;
            lock (_conns) open = _conns.ToArray();
            foreach (var c in open)
                c.Dispose();
            return smcd.Unregister();
        }

        public void Dispose() => Shutdown();

        private static SmcdStreamOptions? Options(uint? size) => size is { } s ? new SmcdStreamOptions { DmbSize = s } : null;

        private Connection Track(SmcdConnection conn)
        {
            lock (_conns) _conns.Add(conn);
            return new Connection(conn);
        }
    }

    private sealed class Connection(SmcdConnection conn) : ISmcdConnectionUnderTest
    {
        public ulong LocalToken => conn.LocalToken;
        public void Write(ReadOnlySpan<byte> data) => conn.Write(data);
        public int Read(Span<byte> buffer) => conn.Read(buffer);
        public void ShutdownWrite() => conn.ShutdownWrite();
        public void Abort() => conn.Abort();
        public void Dispose() => conn.Dispose();
    }
}
