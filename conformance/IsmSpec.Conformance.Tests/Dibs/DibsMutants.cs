using IsmSpec.Conformance.Dibs;
using IsmSpec.Dibs;
using IsmSpec.Dibs.Loopback;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Conformance.Tests.Dibs;

/// <summary>
/// Deliberately broken DIBS loopback devices, each violating exactly one requirement. They wrap the reference
/// loopback: its ops run on a private layer, and the wrapper keeps the owner table, signalling and index
/// numbering of its own device (the one under test) so a mutant can break one of them.
/// </summary>
internal static class DibsMutants
{
    internal class WrappedLoopback : IDibsDevOps<DibsDevice, DibsClient>, IDibsDevOpsMmapped<DibsDevice, DibsClient>, IDibsDmbMemory
    {
        private readonly Dictionary<ulong, uint> _idx = [];
        protected DibsLoopback Inner { get; } = DibsLoopback.Probe(new DibsLayer()).Value;
        private DibsDevice In => Inner.Device;

        public WrappedLoopback() => Device = new DibsDevice("lo", Inner.Device.Gid, this);

        public DibsDevice Device { get; }

        public ushort GetFabricId(DibsDevice dev) => Inner.GetFabricId(In);
        public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid) => Inner.QueryRemoteGid(In, rgid, vidValid, vid);
        public int MaxDmbs() => Inner.MaxDmbs();
        public int SupportMmappedRdmb(DibsDevice dev) => Inner.SupportMmappedRdmb(In);
        public DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token) => Inner.GetDmbMemory(In, token);

        public virtual int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
        {
            var rc = Inner.RegisterDmb(In, ref dmb, client);
            if (rc != 0) return rc;
            dmb.Idx = MapIdx(dmb.Idx);
            lock (_idx) _idx[dmb.DmbTok] = dmb.Idx;
            Device.SetDmbOwner(dmb.Idx, client);
            return 0;
        }

        public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb) => Release(Inner.UnregisterDmb(In, ref dmb), dmb.DmbTok, clearOwner: true);

        public int DetachDmb(DibsDevice dev, ulong token) => Release(Inner.DetachDmb(In, token), token, ClearOwnerOnDetach);

        public virtual int AttachDmb(DibsDevice dev, ref DibsDmb dmb)
        {
            var rc = Inner.AttachDmb(In, ref dmb);
            if (rc == 0) dmb.Idx = IdxOf(dmb.DmbTok);
            return rc;
        }

        public virtual int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
        {
            var rc = Inner.MoveData(In, dmbTok, idx, false, offset, data);
            if (rc == 0 && sf && Signals(data.Length))
                Device.ForwardIrq(IdxOf(dmbTok), Mask(idx));
            return rc;
        }

        public DibsResult Remove(TimeSpan timeout)
        {
            Device.Layer?.DeleteDevice(Device);
            return SpinWait.SpinUntil(() => Inner.DmbCount == 0, timeout) ? DibsResult.Ok : DibsResult.Fail(Errno.ETIMEDOUT);
        }

        protected virtual uint MapIdx(uint inner) => inner;
        protected virtual bool ClearOwnerOnDetach => true;
        protected virtual bool Signals(int size) => true;
        protected virtual ushort Mask(uint idx) => DibsLoopback.DmbeMask(idx);
        protected uint IdxOf(ulong token) { lock (_idx) return _idx[token]; }

        private int Release(int rc, ulong token, bool clearOwner)
        {
            if (rc == 0 && !Inner.GetDmbMemory(In, token).IsOk)
            {
                if (clearOwner) Device.ClearDmbOwner(IdxOf(token));
                lock (_idx) _idx.Remove(token);
            }
            return rc;
        }
    }

    /// <summary>A wrapped loopback as a test bed; Kind Loopback unless said otherwise.</summary>
    internal class Adapter(string name, Func<WrappedLoopback> make, DibsDeviceKind kind = DibsDeviceKind.Loopback) : IDibsDeviceAdapter
    {
        public string Name => name;
        public DibsDeviceKind Kind => kind;

        public DibsTestBed Create()
        {
            var layer = new DibsLayer();
            var w = make();
            if (!layer.AddDevice(w.Device).IsOk) throw new InvalidOperationException("dibs_dev_add failed");
            return new DibsTestBed(layer, w.Device, memory: w, remove: w.Remove);
        }
    }

    /// <summary>Rule 18 broken: register_dmb hands out a dirty buffer.</summary>
    internal sealed class NotZeroed : WrappedLoopback
    {
        public override int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
        {
            var rc = base.RegisterDmb(dev, ref dmb, client);
            if (rc == 0) GetDmbMemory(dev, dmb.DmbTok).Value.Span.Fill(0xA5);
            return rc;
        }
    }

    /// <summary>DIBS-LO-MOVE-BOUNDS broken: a write one byte past the end is accepted (the byte goes nowhere).</summary>
    internal sealed class MovePastEnd : WrappedLoopback
    {
        public override int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
        {
            var len = GetDmbMemory(dev, dmbTok) is { IsOk: true } m ? m.Value.Length : -1;
            return data.Length > 0 && offset + data.Length == len + 1 ? base.MoveData(dev, dmbTok, idx, sf, offset, data[..^1]) : base.MoveData(dev, dmbTok, idx, sf, offset, data);
        }
    }

    internal sealed class MovePastEndAdapter() : Adapter("mutant: move_data one byte past the end", () => new MovePastEnd());

    /// <summary>Rule 40 broken: an empty signalled write does not signal (as ISM, rule 59).</summary>
    internal sealed class SilentEmptyWrite : WrappedLoopback
    {
        protected override bool Signals(int size) => size > 0;
    }

    /// <summary>Rule 39 broken: dmbemask is always 0x1000, not rotated by the signalling index.</summary>
    internal sealed class UnrotatedMask : WrappedLoopback
    {
        protected override ushort Mask(uint idx) => 0x1000;
    }

    /// <summary>Rule 26 broken: indices are handed out from the top (4999 down), not the lowest free one.</summary>
    internal sealed class HighestIndex : WrappedLoopback
    {
        protected override uint MapIdx(uint inner) => DibsSpec.DibsLoMaxDmbs - 1 - inner;
    }

    /// <summary>Decision on rule 36 broken: the kernel quirk — a freeing detach leaves the owner entry set.</summary>
    internal sealed class StaleOwnerAfterDetach : WrappedLoopback
    {
        protected override bool ClearOwnerOnDetach => false;
    }

    /// <summary>Rule 30 broken: attachments report a made-up dma_addr instead of all ones.</summary>
    internal sealed class AttachDmaAddr : WrappedLoopback
    {
        public override int AttachDmb(DibsDevice dev, ref DibsDmb dmb)
        {
            var rc = base.AttachDmb(dev, ref dmb);
            if (rc == 0) dmb.DmaAddr = 0x1000;
            return rc;
        }
    }
}
