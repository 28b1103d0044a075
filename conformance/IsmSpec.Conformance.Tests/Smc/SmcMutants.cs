using System.Numerics;
using IsmSpec.Conformance.Smc;
using IsmSpec.Dibs;
using IsmSpec.Smc;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Conformance.Tests.Smc;

/// <summary>
/// Deliberately broken SMC-D clients, each violating one rule. They run the reference client unchanged on a private
/// layer whose devices are proxies of the suite's devices: a relay client registered with the suite's layer forwards
/// add_dev/del_dev, IRQs and events to the proxies, and every op the reference calls on a proxy reaches the suite's
/// recording device through a hook a mutant overrides.
/// </summary>
internal class ProxiedReference : ISmcdClientUnderTest
{
    public virtual string Name => "proxied reference";
    public bool UsesNocopy => false;
    public ISmcdClientInstance Register(DibsLayer layer, Func<DibsDevice, string?> pnetIds) => new Relay(this, layer, pnetIds);
    public virtual byte[] ToDibsGid(ulong gid, ulong gidExt) => SmcdGid.ToDibsGid(gid, gidExt);
    public (ulong Gid, ulong GidExt) FromDibsGid(ReadOnlySpan<byte> dibsGid) => SmcdGid.FromDibsGid(dibsGid);
    public SmcdFabricClass ClassifyFabric(ushort fabricId) => (SmcdFabricClass)(int)SmcdFabric.Classify(fabricId);

    // ---- hooks between the reference client and the suite's device ----
    public virtual void BeforeRegister(ref DibsDmb dmb) { }
    public virtual int Unregister(DibsDevice real, ref DibsDmb dmb) => real.Ops.UnregisterDmb(real, ref dmb);
    public virtual int Move(DibsDevice real, ulong tok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data) => real.Ops.MoveData(real, tok, idx, sf, offset, data);
    public virtual uint PickIdx(uint idx, ushort mask) => idx;

    private sealed class Relay : ISmcdClientInstance, IDibsClientOps<DibsDevice>
    {
        private readonly ProxiedReference _m;
        private readonly DibsLayer _layer;
        private readonly DibsLayer _private = new();
        private readonly Dictionary<DibsDevice, Proxy> _proxies = [];
        private readonly List<SmcdConnection> _conns = [];
        private readonly SmcdClient _smcd;

        public Relay(ProxiedReference m, DibsLayer layer, Func<DibsDevice, string?> pnetIds)
        {
            (_m, _layer) = (m, layer);
            Client = new DibsClient("relay", this);
            _smcd = SmcdClient.Register(_private, p => pnetIds(Real(p))).Value;
            if (!layer.RegisterClient(Client).IsOk) throw new InvalidOperationException("dibs_register_client");
        }

        public DibsClient Client { get; }
        private Proxy P(DibsDevice real) { lock (_proxies) return _proxies[real]; }
        private DibsDevice Real(DibsDevice proxy) { lock (_proxies) return _proxies.Values.First(p => p.Device == proxy).Real; }

        public void AddDev(DibsDevice dev)
        {
            var proxy = dev.Ops is IDibsDevOpsSignalEvent<DibsDevice, DibsClient> ? new FullProxy(_m, this, dev) : new Proxy(_m, this, dev);
            lock (_proxies) _proxies[dev] = proxy;
            _private.AddDevice(proxy.Device);
        }

        public void DelDev(DibsDevice dev)
        {
            _private.DeleteDevice(P(dev).Device);
            lock (_proxies) _proxies.Remove(dev);
        }

        public void HandleIrq(DibsDevice dev, uint idx, ushort dmbemask) => P(dev).Device.ForwardIrq(_m.PickIdx(idx, dmbemask), dmbemask);
        public void HandleEvent(DibsDevice dev, ref DibsEvent @event) => P(dev).Device.ForwardEvent(ref @event);

        public IReadOnlyList<DibsDevice> Devices => _smcd.DeviceList.Devices.Select(Real).ToList();
        public bool IsV2Capable(DibsDevice dev) => _smcd.IsV2Capable(P(dev).Device);
        public int GetVlan(DibsDevice dev, ushort vlanId) => _smcd.Vlans.Get(P(dev).Device, vlanId);
        public int PutVlan(DibsDevice dev, ushort vlanId) => _smcd.Vlans.Put(P(dev).Device, vlanId);
        public int SignalShutdown(DibsDevice dev, ReadOnlySpan<byte> peerGid, uint lgrId, ushort vlanId) => SmcdSoftwareEvents.SignalShutdown(P(dev).Device, peerGid, lgrId, vlanId);
        public int SendTestLink(DibsDevice dev, ReadOnlySpan<byte> peerGid, uint lgrId, ushort vlanId) => SmcdSoftwareEvents.SendTestLink(P(dev).Device, peerGid, lgrId, vlanId);

        public async Task<ISmcdConnectionUnderTest> ConnectAsync(DibsDevice dev, Stream channel, uint? dmbSize, CancellationToken ct) =>
            Track(await SmcdEndpoint.ConnectAsync(_smcd, P(dev).Device, channel, dmbSize is { } s ? new SmcdStreamOptions { DmbSize = s } : null, ct));

        public async Task<ISmcdConnectionUnderTest> AcceptAsync(DibsDevice dev, Stream channel, uint? dmbSize, CancellationToken ct) =>
            Track(await SmcdEndpoint.AcceptAsync(_smcd, P(dev).Device, channel, dmbSize is { } s ? new SmcdStreamOptions { DmbSize = s } : null, ct));

        private Connection Track(SmcdConnection c)
        {
            lock (_conns) _conns.Add(c);
            return new Connection(c);
        }

        public DibsResult Shutdown()
        {
            SmcdConnection[] open;
            lock (_conns) open = _conns.ToArray();
            foreach (var c in open) c.Dispose();
            _smcd.Unregister();
            return _layer.UnregisterClient(Client);
        }

        public void Dispose() => Shutdown();
    }

    private sealed class Connection(SmcdConnection c) : ISmcdConnectionUnderTest
    {
        public ulong LocalToken => c.LocalToken;
        public void Write(ReadOnlySpan<byte> data) => c.Write(data);
        public int Read(Span<byte> buffer) => c.Read(buffer);
        public void ShutdownWrite() => c.ShutdownWrite();
        public void Abort() => c.Abort();
        public void Dispose() => c.Dispose();
    }

    /// <summary>The reference client's view of a suite device: mandatory ops and DMB memory, through the hooks.</summary>
    private class Proxy : IDibsDevOps<DibsDevice, DibsClient>, IDibsDmbMemory
    {
        public Proxy(ProxiedReference m, Relay relay, DibsDevice real)
        {
            (M, RelayClient, Real) = (m, relay.Client, real);
            Device = new DibsDevice("proxy-" + real.Name, real.Gid, this);
        }

        protected ProxiedReference M { get; }
        private DibsClient RelayClient { get; }
        public DibsDevice Real { get; }
        public DibsDevice Device { get; }
        public ushort GetFabricId(DibsDevice dev) => Real.Ops.GetFabricId(Real);
        public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid) => Real.Ops.QueryRemoteGid(Real, rgid, vidValid, vid);
        public int MaxDmbs() => Real.Ops.MaxDmbs();
        public DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token) => ((IDibsDmbMemory)Real.Ops).GetDmbMemory(Real, token);
        public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data) => M.Move(Real, dmbTok, idx, sf, offset, data);

        public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
        {
            M.BeforeRegister(ref dmb);
            var rc = Real.Ops.RegisterDmb(Real, ref dmb, RelayClient);
            if (rc == 0) Device.SetDmbOwner(dmb.Idx, client);
            return rc;
        }

        public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb)
        {
            var rc = M.Unregister(Real, ref dmb);
            if (rc == 0) Device.ClearDmbOwner(dmb.Idx);
            return rc;
        }
    }

    /// <summary>A proxy of a device with every optional op.</summary>
    private sealed class FullProxy(ProxiedReference m, Relay relay, DibsDevice real) : Proxy(m, relay, real),
        IDibsDevOpsAddVlanId<DibsDevice, DibsClient>, IDibsDevOpsDelVlanId<DibsDevice, DibsClient>, IDibsDevOpsSignalEvent<DibsDevice, DibsClient>, IDibsDevOpsMmapped<DibsDevice, DibsClient>
    {
        public int AddVlanId(DibsDevice dev, ulong vlanId) => ((IDibsDevOpsAddVlanId<DibsDevice, DibsClient>)Real.Ops).AddVlanId(Real, vlanId);
        public int DelVlanId(DibsDevice dev, ulong vlanId) => ((IDibsDevOpsDelVlanId<DibsDevice, DibsClient>)Real.Ops).DelVlanId(Real, vlanId);
        public int SignalEvent(DibsDevice dev, ReadOnlySpan<byte> rgid, uint triggerIrq, uint eventCode, ulong info) => ((IDibsDevOpsSignalEvent<DibsDevice, DibsClient>)Real.Ops).SignalEvent(Real, rgid, triggerIrq, eventCode, info);
        public int SupportMmappedRdmb(DibsDevice dev) => Real.Mmapped!.SupportMmappedRdmb(Real);
        public int AttachDmb(DibsDevice dev, ref DibsDmb dmb) => Real.Mmapped!.AttachDmb(Real, ref dmb);
        public int DetachDmb(DibsDevice dev, ulong token) => Real.Mmapped!.DetachDmb(Real, token);
    }
}

/// <summary>The mutants: one broken rule each.</summary>
internal static class SmcMutants
{
    /// <summary>Rule 70 broken: payload writes are signalled too.</summary>
    internal sealed class SignalledPayload : ProxiedReference
    {
        public override int Move(DibsDevice real, ulong tok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data) =>
            base.Move(real, tok, idx, sf || offset >= 32, offset, data);
    }

    /// <summary>Rule 68 broken: unregister_dmb is called twice per DMB.</summary>
    internal sealed class UnregisterTwice : ProxiedReference
    {
        public override int Unregister(DibsDevice real, ref DibsDmb dmb)
        {
            var rc = base.Unregister(real, ref dmb);
            var again = dmb;
            base.Unregister(real, ref again);
            return rc;
        }
    }

    /// <summary>Rule 72 broken: the DMBE bit set in dmbemask shifts which connection is woken (0x1000 names DMBE 0).</summary>
    internal sealed class MaskPicksConnection : ProxiedReference
    {
        public override uint PickIdx(uint idx, ushort mask) => (uint)(idx + BitOperations.TrailingZeroCount(mask | 0x10000) - 12);
    }

    /// <summary>SMC-STREAM-NO-EMPTY-SIGNAL broken: every CDC message is followed by an empty signalled write.</summary>
    internal sealed class EmptySignal : ProxiedReference
    {
        public override int Move(DibsDevice real, ulong tok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
        {
            var rc = base.Move(real, tok, idx, sf, offset, data);
            if (rc < 0 || !sf || offset != 0) return rc;
            var extra = base.Move(real, tok, idx, true, 0, []);
            return extra < 0 ? extra : rc;
        }
    }

    /// <summary>Rule 71 broken: DMBs are registered with vlan_valid 1.</summary>
    internal sealed class VlanValid : ProxiedReference
    {
        public override void BeforeRegister(ref DibsDmb dmb) => dmb.VlanValid = 1;
    }

    /// <summary>SMC-CDC-FLAGS-IN-CONS broken: the flags are copied into the prod cursor as well.</summary>
    internal sealed class FlagsAlsoInProd : ProxiedReference
    {
        public override int Move(DibsDevice real, ulong tok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
        {
            if (!sf || offset != 0 || data.Length != 32) return base.Move(real, tok, idx, sf, offset, data);
            var copy = data.ToArray();
            (copy[14], copy[15]) = (copy[22], copy[23]);
            return base.Move(real, tok, idx, sf, offset, copy);
        }
    }

    /// <summary>Rule 79 broken: {gid, gid_ext} written little-endian.</summary>
    internal sealed class GidLittleEndian : ProxiedReference
    {
        public override byte[] ToDibsGid(ulong gid, ulong gidExt) => [.. BitConverter.GetBytes(gid), .. BitConverter.GetBytes(gidExt)];
    }
}
