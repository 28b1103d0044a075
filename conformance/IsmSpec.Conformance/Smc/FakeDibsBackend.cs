using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Conformance.Smc;

/// <summary>
/// A small in-memory DIBS device behind a <see cref="RecordingDevice"/>: zeroed buffers of exactly dmb_len
/// bytes, increasing indices from 3, tokens that do not look like indices, a non-zero dma_addr, reference
/// counts for attach/detach, and reachability of its own GID only (like loopback). It never signals: the
/// recording device does.
/// </summary>
public sealed class FakeDibsBackend : IDibsDevOps<DibsDevice, DibsClient>, IDibsDevOpsMmapped<DibsDevice, DibsClient>, IDibsDmbMemory
{
    private readonly Dictionary<ulong, (uint Idx, byte[] Buffer, int Refs)> _dmbs = [];
    private uint _nextIdx = 3;
    private ulong _nextToken = 0x7A00_0000_0000_0001;

    public FakeDibsBackend() => Device = new DibsDevice("fake", Guid.NewGuid().ToByteArray(bigEndian: true), this);

    public DibsDevice Device { get; }
    public ushort GetFabricId(DibsDevice dev) => 0x0042;
    public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid) => rgid.SequenceEqual(Device.Gid) ? 0 : -Errno.ENETUNREACH;
    public int MaxDmbs() => 256;
    public int SupportMmappedRdmb(DibsDevice dev) => 1;

    public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
    {
        if (dmb.DmbLen == 0 || dmb.DmbLen > 4 << 20)
            return -Errno.ENOMEM;
        lock (_dmbs)
        {
            dmb.Idx = _nextIdx++ % 250;
            dmb.DmbTok = _nextToken += 0x10001;
            dmb.DmaAddr = 0x4000_0000UL + ((ulong)dmb.Idx << 20);
            dmb.CpuAddr = dmb.DmaAddr;
            _dmbs[dmb.DmbTok] = (dmb.Idx, new byte[dmb.DmbLen], 1);
        }
        return 0;
    }

    public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb) => DetachDmb(dev, dmb.DmbTok);

    public int AttachDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        lock (_dmbs)
        {
            if (!_dmbs.TryGetValue(dmb.DmbTok, out var e))
                return -Errno.EINVAL;
            _dmbs[dmb.DmbTok] = e with { Refs = e.Refs + 1 };
            (dmb.Idx, dmb.DmbLen, dmb.DmaAddr) = (e.Idx, (uint)e.Buffer.Length, DibsSpec.DibsDmaAddrInvalid);
            return 0;
        }
    }

    public int DetachDmb(DibsDevice dev, ulong token)
    {
        lock (_dmbs)
        {
            if (!_dmbs.TryGetValue(token, out var e))
                return -Errno.EINVAL;
            if (e.Refs == 1)
                _dmbs.Remove(token);
            else
                _dmbs[token] = e with { Refs = e.Refs - 1 };
            return 0;
        }
    }

    public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
    {
        lock (_dmbs)
        {
            if (!_dmbs.TryGetValue(dmbTok, out var e) || offset + (ulong)data.Length > (ulong)e.Buffer.Length)
                return -Errno.EINVAL;
            data.CopyTo(e.Buffer.AsSpan((int)offset));
            return 0;
        }
    }

    public DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token)
    {
        lock (_dmbs)
            return _dmbs.TryGetValue(token, out var e) ? e.Buffer.AsMemory() : DibsResult<Memory<byte>>.Fail(Errno.EINVAL);
    }
}
