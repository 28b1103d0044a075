using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.VirtioIsm.Dibs;

/// <summary>move_data and the mmapped trio (attach_dmb / detach_dmb).</summary>
public sealed partial class VirtioIsmDibsDevice
{
    private const int NotMapped = 1;
    private long _clock;

    /// <summary>
    /// move_data (rules 21–23): the target is an own DMB (bounded by dmb_len; a device cannot ATTACH its own region,
    /// so the copy is local and sf signals the owner synchronously) or a peer region, ATTACHed on first use and
    /// cached (bounded by region_size, the only length ATTACH reports). offset + size beyond the bound → -EINVAL,
    /// nothing written, no signal: no store ever leaves the region. An unknown token (ATTACH refused) → -EINVAL.
    /// The copy is complete when this returns (rule 22). With sf — also for 0 bytes, as loopback (rule 40) — the
    /// region's notify address is written; the owner's driver gets an update event, several of which may coalesce
    /// into one handle_irq (rule 23). idx (the sender's signalling index) cannot travel over virtio-ism: mask 0.
    /// </summary>
    public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
    {
        CheckDev(dev);
        var rc = TryMove(dmbTok, sf, offset, data, out var local);
        if (rc == NotMapped)
        {
            rc = AttachOnDemand(dmbTok);
            if (rc == 0)
                rc = TryMove(dmbTok, sf, offset, data, out local);
            if (rc == NotMapped)
                rc = -Errno.EINVAL;          // evicted again in between: treat as unreachable
        }
        if (rc == 0 && local is uint i)
            Device.ForwardIrq(i, i, SignalMask);
        return rc;
    }

    private int TryMove(ulong token, bool sf, uint offset, ReadOnlySpan<byte> data, out uint? localSignal)
    {
        localSignal = null;
        _rw.EnterReadLock();
        try
        {
            if (_own.TryGetValue(token, out var own))
            {
                if ((ulong)offset + (ulong)data.Length > own.Len)
                    return -Errno.EINVAL;
                data.CopyTo(own.Memory.Span[(int)offset..]);
                localSignal = sf ? own.Idx : null;
                return 0;
            }
            if (!_attached.TryGetValue(token, out var peer))
                return NotMapped;
            if ((ulong)offset + (ulong)data.Length > peer.Len)
                return -Errno.EINVAL;
            data.CopyTo(peer.Region.Memory.Span[(int)offset..]);
            Volatile.Write(ref peer.LastUse, Interlocked.Increment(ref _clock));
            if (sf)
                peer.Region.Notify();
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return -Errno.EIO;               // in process: the owner took our WRITE right away with GRANT
        }
        finally { _rw.ExitReadLock(); }
    }

    private int AttachOnDemand(ulong token)
    {
        lock (_gate)
        {
            _rw.EnterReadLock();
            try
            {
                if (_own.ContainsKey(token) || _attached.ContainsKey(token))
                    return 0;
            }
            finally { _rw.ExitReadLock(); }
            return Attach(token, explicitRef: false, out _);
        }
    }

    /// <summary>
    /// attach_dmb (rule 15): ATTACH the peer region with dmb.dmb_tok, or count one more reference on an attachment
    /// this device already holds (one virtio-ism reference per guest and region, draft VISM-DEC-ATTACH-TWICE).
    /// Fills cpu_addr = REGIONS offset, dma_addr all ones, dmb_len = region_size (ATTACH reports no length) and
    /// idx = 0 (the owner's index is not visible to an attacher). -EINVAL for an unknown or refused token, and for
    /// a DMB of this device itself (a guest cannot ATTACH a region it allocated; use <see cref="GetDmbMemory"/>).
    /// </summary>
    public int AttachDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        CheckDev(dev);
        lock (_gate)
        {
            var rc = Attach(dmb.DmbTok, explicitRef: true, out var attachment);
            if (rc != 0)
                return rc;
            dmb.Idx = 0;
            dmb.CpuAddr = attachment!.Region.Offset;
            dmb.DmaAddr = DibsSpec.DibsDmaAddrInvalid;
            dmb.DmbLen = attachment.Len;
            return 0;
        }
    }

    /// <summary>
    /// detach_dmb: -EINVAL unless an attach_dmb of <paramref name="token"/> is outstanding (rule 68: calls must
    /// balance); the last one DETACHes the region (a later move_data attaches again on demand).
    /// </summary>
    public int DetachDmb(DibsDevice dev, ulong token)
    {
        CheckDev(dev);
        lock (_gate)
        {
            Attachment? gone = null;
            _rw.EnterWriteLock();
            try
            {
                if (!_attached.TryGetValue(token, out var attachment) || attachment.ExplicitRefs == 0)
                    return -Errno.EINVAL;
                if (--attachment.ExplicitRefs == 0)
                {
                    _attached.Remove(token);
                    gone = attachment;
                }
            }
            finally { _rw.ExitWriteLock(); }
            return gone is null || Detach(gone.Region) ? 0 : -Errno.EIO;
        }
    }

    /// <summary>
    /// DETACHes every cached attachment that no attach_dmb holds (a peer DMB's owner may have unregistered it; the
    /// first draft has no event that says so). Returns how many were released.
    /// </summary>
    public int ReleaseCachedAttachments()
    {
        lock (_gate)
        {
            List<Attachment> idle;
            _rw.EnterWriteLock();
            try
            {
                idle = _attached.Values.Where(a => a.ExplicitRefs == 0).ToList();
                foreach (var a in idle)
                    _attached.Remove(a.Token);
            }
            finally { _rw.ExitWriteLock(); }
            return idle.Count(a => Detach(a.Region));
        }
    }

    /// <summary>Caller holds <see cref="_gate"/>.</summary>
    private int Attach(ulong token, bool explicitRef, out Attachment? attachment)
    {
        attachment = null;
        _rw.EnterWriteLock();
        try
        {
            if (_own.ContainsKey(token))
                return -Errno.EINVAL;
            if (_attached.TryGetValue(token, out attachment))
            {
                if (explicitRef)
                    attachment.ExplicitRefs++;
                return 0;
            }
        }
        finally { _rw.ExitWriteLock(); }
        if (token == 0)
            return -Errno.EINVAL;
        var region = WithEviction(() => Command(() => _driver.AttachAsync(token)));
        if (region is null)
            return -Errno.EINVAL;
        attachment = new Attachment(token, region) { ExplicitRefs = explicitRef ? 1 : 0, LastUse = Interlocked.Increment(ref _clock) };
        _rw.EnterWriteLock();
        try { _attached.Add(token, attachment); }
        finally { _rw.ExitWriteLock(); }
        return 0;
    }
}
