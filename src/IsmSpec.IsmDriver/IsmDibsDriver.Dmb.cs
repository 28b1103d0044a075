using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.IsmDriver;

/// <summary>DMB registration (research §4.8, rules 50–55), move_data (§4.9, rules 56–60) and DMB memory.</summary>
public sealed partial class IsmDibsDriver
{
    private sealed record DmbRecord(uint Idx, ulong Dma, int Pages, int Length);

    private readonly object _dmbLock = new();
    /// <summary>ism->sba_bitmap: one bit per DMB index 0..1919; 0..31 are never handed out (rule 50).</summary>
    private readonly bool[] _sbaBitmap = new bool[S390IsmSpec.IsmNrDmbs];
    private readonly Dictionary<ulong, DmbRecord> _dmbs = new();

    /// <summary>DMBs registered through this driver and not yet freed.</summary>
    public int DmbCount
    {
        get { lock (_dmbLock) return _dmbs.Count; }
    }

    /// <summary>
    /// ism_register_dmb / ism_alloc_dmb:
    /// page-rounded dmb_len above 1 MiB → -EINVAL (rule 52); idx 0 → the lowest free index from 32 up, -ENOSPC
    /// when none (rule 51); a requested idx below 32, in use, or (fix: the kernel does not check) above 1919 →
    /// -EINVAL (rules 50, 51); a zeroed buffer from the page pool, -ENOMEM when there is none (dmb_len 0 too:
    /// the kernel's get_order(0) allocation fails); REG_DMB with GID bytes 0..7 (rule 53), whose failure frees
    /// buffer and index and returns the raw device code (rules 49, 54); on success the token, addresses and idx
    /// are filled in and the client is recorded as owner (rule 54).
    /// </summary>
    public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
    {
        CheckDevice(dev);
        ArgumentNullException.ThrowIfNull(client);
        int pages = IsmPagePool.PagesFor(dmb.DmbLen);
        if ((long)pages * IsmPagePool.PageSize > S390IsmSpec.IsmDmbMaxLen)
            return -Errno.EINVAL;
        lock (_dmbLock)
        {
            if (dmb.Idx == 0)
            {
                int bit = Array.IndexOf(_sbaBitmap, false, S390IsmSpec.IsmDmbBitOffset);
                if (bit < 0)
                    return -Errno.ENOSPC;
                dmb.Idx = (uint)bit;
            }
            if (dmb.Idx < S390IsmSpec.IsmDmbBitOffset || dmb.Idx >= S390IsmSpec.IsmNrDmbs || _sbaBitmap[dmb.Idx])
                return -Errno.EINVAL;
            _sbaBitmap[dmb.Idx] = true;
        }
        uint idx = dmb.Idx;
        if (_pool!.Allocate(pages) is not { } dma)
        {
            ReleaseIndex(idx);
            return -Errno.ENOMEM;
        }
        var request = new IsmRegDmbRequest
        {
            Dmb = dma, DmbLen = dmb.DmbLen, SbaIdx = idx, VlanValid = dmb.VlanValid, VlanId = dmb.VlanId, Rgid = Gid8(dmb.Rgid),
        };
        var ret = CmdRegDmb(request, out ulong token);
        if (ret != IsmRet.Success)
        {
            _pool.Free(dma, pages);
            ReleaseIndex(idx);
            return (int)ret;
        }
        dmb.DmbTok = token;
        dmb.CpuAddr = dma; // the emulation's host memory is identity-mapped: cpu_addr = dma_addr
        dmb.DmaAddr = dma;
        lock (_dmbLock)
            _dmbs[token] = new DmbRecord(idx, dma, pages, (int)dmb.DmbLen);
        // Rule 54: the owner is recorded after REG_DMB succeeded, at table position idx − 32 as in the kernel
        // (ISM indices 0..31 are never used); the interrupt handler looks it up there and reports idx.
        dev.SetDmbOwner(idx - (uint)IsmSpec.Specs.S390Ism.S390IsmSpec.IsmDmbBitOffset, client);
        return 0;
    }

    /// <summary>
    /// ism_unregister_dmb (rule 55): clear the owner entry first, then UNREG_DMB; only when the device answers 0
    /// or 0xFFFF are buffer and index released. The code is returned as is (0, 0xFFFF or a raw device code,
    /// rule 49). The DMB is found by token in the driver's own records (the kernel trusts the caller's idx and
    /// addresses); for a token it does not know, no owner entry is touched and the device decides.
    /// </summary>
    public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        CheckDevice(dev);
        DmbRecord? record;
        lock (_dmbLock)
            _dmbs.TryGetValue(dmb.DmbTok, out record);
        if (record is not null)
            dev.ClearDmbOwner(record.Idx - (uint)IsmSpec.Specs.S390Ism.S390IsmSpec.IsmDmbBitOffset);
        var ret = CmdUnregDmb(dmb.DmbTok);
        if ((ret == IsmRet.Success || ret == IsmRet.IsmError) && record is not null)
        {
            bool removed;
            lock (_dmbLock)
                removed = _dmbs.Remove(dmb.DmbTok);
            if (removed)
            {
                _pool!.Free(record.Dma, record.Pages);
                ReleaseIndex(record.Idx);
            }
        }
        return (int)ret;
    }

    /// <summary>
    /// ism_move (rules 56–60): chunks that never cross a 4 KiB boundary of the target offset, each one store
    /// block addressed by token | idx &lt;&lt; 24 | sf &lt;&lt; 23 | offset (built with the generated IsmDmbReq); sf only
    /// on the last chunk; size 0 stores and signals nothing; the first failing store ends the call with -EIO
    /// (earlier chunks stay written). Fixes (the kernel ORs the word together unchecked, so bad values would
    /// spill into neighbouring fields): a token with non-zero low 32 bits, idx above 255, or offset + size above
    /// 8 MiB → -EINVAL, nothing stored.
    /// </summary>
    public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
    {
        CheckDevice(dev);
        if ((dmbTok & 0xFFFF_FFFFUL) != 0 || idx > byte.MaxValue || (ulong)offset + (ulong)data.Length > S390IsmSpec.IsmDmbOffsetLimit)
            return -Errno.EINVAL;
        while (data.Length > 0)
        {
            int chunk = Math.Min(S390IsmSpec.IsmMoveChunk - (int)(offset % S390IsmSpec.IsmMoveChunk), data.Length);
            if (_pci.StoreBlock(DmbRequestWord(dmbTok, (byte)idx, sf && chunk == data.Length, offset), data[..chunk]) != IsmRet.Success)
                return -Errno.EIO;
            data = data[chunk..];
            offset += (uint)chunk;
        }
        return 0;
    }

    /// <summary>ISM_CREATE_REQ through the generated bitfield (rule 56).</summary>
    internal static ulong DmbRequestWord(ulong token, byte idx, bool sf, uint offset)
    {
        var word = IsmDmbReq.FromValue(token);
        word.Idx = idx;
        word.Sf = sf;
        word.Offset = offset;
        return word.Value;
    }

    /// <summary>The bytes of a DMB registered through this driver (exactly dmb_len, in host memory); -EINVAL for other tokens.</summary>
    public DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token)
    {
        CheckDevice(dev);
        DmbRecord? record;
        lock (_dmbLock)
            _dmbs.TryGetValue(token, out record);
        if (record is null || !_pci.HostMemory.TryMap(record.Dma, record.Length, out var memory))
            return DibsResult<Memory<byte>>.Fail(Errno.EINVAL);
        return memory;
    }

    private void ReleaseIndex(uint idx)
    {
        lock (_dmbLock)
            _sbaBitmap[idx] = false;
    }
}
