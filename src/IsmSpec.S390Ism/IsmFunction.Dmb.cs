using IsmSpec.Specs.S390Ism;

namespace IsmSpec.S390Ism;

/// <summary>DMB registration, SIGNAL_IEQ and move_data store blocks (research §4.5, §4.8, §4.9).</summary>
public sealed partial class IsmFunction
{
    /// <summary>
    /// REG_DMB (ISM-DEV-REG-DMB), checks in this order: sba_idx in 32..1919 (BAD_INDEX, rule 50), dmb_len in
    /// 1..1 MiB (BAD_LENGTH, rule 52), idx free (INDEX_IN_USE), table not full (TABLE_FULL), buffer page aligned,
    /// inside host memory and not overlapping the SBA, IEQ or another DMB (BAD_ADDRESS), a token left (TABLE_FULL).
    /// </summary>
    private IsmRet CmdRegDmb(in IsmRegDmbRequest request, out ulong token)
    {
        token = 0;
        uint idx = request.SbaIdx;
        if (idx < S390IsmSpec.IsmDmbBitOffset || idx >= S390IsmSpec.IsmNrDmbs) return IsmDeviceCodes.BadIndex;
        if (request.DmbLen == 0 || request.DmbLen > S390IsmSpec.IsmDmbMaxLen) return IsmDeviceCodes.BadLength;
        if (_dmbByIdx[idx] is not null) return IsmDeviceCodes.IndexInUse;
        if (_dmbCount >= MaxDmbs) return IsmDeviceCodes.TableFull;
        var code = MapAreaLocked(request.Dmb, request.DmbLen, out var buffer);
        if (code != IsmDeviceCodes.Success) return code;
        if (!Fabric.TryAllocateToken(out token)) return IsmDeviceCodes.TableFull;
        var dmb = new IsmDmb(token, this, (int)idx, request.Rgid, request.VlanValid != 0, request.VlanId, request.Dmb, buffer);
        _dmbByIdx[idx] = dmb;
        _dmbCount++;
        Fabric.AddDmb(dmb);
        return IsmDeviceCodes.Success;
    }

    /// <summary>
    /// UNREG_DMB (ISM-DEV-UNREG-DMB): only the owner may unregister (else UNKNOWN_TOKEN). Later stores to the token
    /// fail with UNKNOWN_TOKEN; the function named by rgid (another function of the fabric) gets a BUF event
    /// BUF_DMB_UNREGISTERED with tok = the token and an interrupt.
    /// </summary>
    private IsmRet CmdUnregDmb(ulong token)
    {
        if (!Fabric.TryGetDmb(token, out var dmb) || dmb.Owner != this) return IsmDeviceCodes.UnknownToken;
        Fabric.RemoveDmb(token);
        _dmbByIdx[dmb.SbaIdx] = null;
        _dmbCount--;
        if (dmb.Rgid != Gid && Fabric.TryGetFunction(dmb.Rgid, out var user))
            user.PostEventLocked(IsmEventType.Buf, (uint)IsmEventCode.BufDmbUnregistered, token, 0, interrupt: true);
        return IsmDeviceCodes.Success;
    }

    /// <summary>
    /// SIGNAL_IEQ (ISM-DEV-SIGNAL-IEQ): a SWR event at the function with GID rgid on this fabric: code = event_code,
    /// tok = the sender's GID, info as given; the event bit is set, the interrupt raised only with trigger_irq.
    /// </summary>
    private IsmRet CmdSignalIeq(ulong rgid, bool triggerIrq, uint eventCode, ulong info)
    {
        if (!Fabric.TryGetFunction(rgid, out var target)) return IsmDeviceCodes.UnknownGid;
        return target.PostEventLocked(IsmEventType.Swr, eventCode, Gid, info, triggerIrq)
            ? IsmDeviceCodes.Success
            : IsmDeviceCodes.NotReady;
    }

    /// <summary>
    /// move_data's PCI store block into address space 0 (research §4.9): <paramref name="dmbReqWord"/> is
    /// token | idx &lt;&lt; 24 | sf &lt;&lt; 23 | offset (decoded with the generated <see cref="IsmDmbReq"/>), the
    /// chunk is the data. ISM-DEV-MOVE-CHECKS, in this order: length 1..4096 (BAD_LENGTH); offset mod 4096 +
    /// length ≤ 4096 (CROSSES_BOUNDARY); the token is registered on this fabric (UNKNOWN_TOKEN); this function's
    /// GID is the DMB's rgid unless rgid is 0 (ACCESS_DENIED); offset + length ≤ dmb_len (OUT_OF_BOUNDS).
    /// A refused store writes nothing and signals nothing. With sf the owner's SBA is updated and its
    /// interrupt raised (rule 61); an owner without SBA gets the data only (ISM-DEV-IRQ).
    /// </summary>
    public IsmRet StoreBlock(ulong dmbReqWord, ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length == 0 || chunk.Length > S390IsmSpec.IsmMoveChunk) return IsmDeviceCodes.BadLength;
        var req = IsmDmbReq.FromValue(dmbReqWord);
        int offset = (int)req.Offset;
        if (offset % S390IsmSpec.IsmMoveChunk + chunk.Length > S390IsmSpec.IsmMoveChunk) return IsmDeviceCodes.CrossesBoundary;
        ulong token = (ulong)req.Token << IsmDmbReq.TokenShift;
        lock (Fabric.Sync)
        {
            if (!Fabric.TryGetDmb(token, out var dmb)) return IsmDeviceCodes.UnknownToken;
            if (dmb.Rgid != 0 && dmb.Rgid != Gid) return IsmDeviceCodes.AccessDenied;
            if ((long)offset + chunk.Length > dmb.Length) return IsmDeviceCodes.OutOfBounds;
            chunk.CopyTo(dmb.Buffer.Span.Slice(offset));
            if (req.Sf) dmb.Owner.SignalDmbLocked(dmb.SbaIdx, IsmInterruptAreas.SignalMask(req.Idx));
        }
        Fabric.FlushInterrupts();
        return IsmDeviceCodes.Success;
    }

    /// <summary>Rule 61: SBA DMB bit, dmbe_mask, summary bit, then the MSI (raised once the store has finished).</summary>
    private void SignalDmbLocked(int sbaIdx, ushort mask)
    {
        if (!_sbaRegistered) return;
        IsmInterruptAreas.SignalDmb(_sba.Span, sbaIdx, mask);
        Fabric.QueueInterrupt(this);
    }
}
