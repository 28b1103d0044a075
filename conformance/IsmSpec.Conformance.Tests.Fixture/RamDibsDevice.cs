using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;

namespace Acme.RamDibs;

/// <summary>
/// A small DIBS device a third party might write: DMBs in RAM, synchronous signalling. With
/// <see cref="ForgetsToZero"/> it hands out dirty buffers, which the conformance suite must catch.
/// </summary>
public sealed class RamDibsDevice(bool forgetsToZero = false) : IDibsDevOps<DibsDevice, DibsClient>, IDibsDmbMemory
{
    private const int Slots = 64;
    private readonly Dictionary<ulong, (uint Idx, byte[] Buffer)> _dmbs = [];
    private readonly bool[] _used = new bool[Slots];
    private ulong _nextToken = (ulong)Random.Shared.NextInt64(1, long.MaxValue) << 8;

    public bool ForgetsToZero { get; } = forgetsToZero;
    public byte[] Gid { get; } = Guid.NewGuid().ToByteArray();

    public ushort GetFabricId(DibsDevice dev) => 0x0042;
    public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid) => rgid.SequenceEqual(dev.Gid) ? 0 : -101;
    public int MaxDmbs() => Slots;

    public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
    {
        lock (_dmbs)
        {
            int idx = Array.IndexOf(_used, false);
            if (idx < 0) return -28; // ENOSPC
            if (dmb.DmbLen == 0) return -12;
            var buffer = new byte[dmb.DmbLen];
            if (ForgetsToZero) Array.Fill(buffer, (byte)0xA5);
            _used[idx] = true;
            ulong token = _nextToken += 0x100;
            _dmbs[token] = ((uint)idx, buffer);
            dmb.Idx = (uint)idx; dmb.DmbTok = token; dmb.CpuAddr = token; dmb.DmaAddr = token;
            dev.SetDmbOwner((uint)idx, client);
            return 0;
        }
    }

    public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        lock (_dmbs)
        {
            if (!_dmbs.Remove(dmb.DmbTok, out var d)) return -22; // EINVAL
            dev.ClearDmbOwner(d.Idx);
            _used[d.Idx] = false;
            return 0;
        }
    }

    public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
    {
        uint target;
        lock (_dmbs)
        {
            if (!_dmbs.TryGetValue(dmbTok, out var d) || (ulong)offset + (ulong)data.Length > (ulong)d.Buffer.Length) return -22;
            data.CopyTo(d.Buffer.AsSpan((int)offset));
            target = d.Idx;
        }
        if (sf) dev.ForwardIrq(target, 0);
        return 0;
    }

    public DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token)
    {
        lock (_dmbs)
            return _dmbs.TryGetValue(token, out var d) ? new DibsResult<Memory<byte>>(d.Buffer) : DibsResult<Memory<byte>>.Fail(22);
    }
}
