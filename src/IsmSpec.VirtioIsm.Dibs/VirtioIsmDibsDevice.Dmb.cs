using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VirtioIsm.Driver;

namespace IsmSpec.VirtioIsm.Dibs;

/// <summary>register_dmb / unregister_dmb and the DMB tables.</summary>
public sealed partial class VirtioIsmDibsDevice
{
    /// <summary>Guards the tables; copies in move_data run under the read lock, removals under the write lock, so a
    /// store never reaches a region after this device has started to DETACH it.</summary>
    private readonly ReaderWriterLockSlim _rw = new(LockRecursionPolicy.NoRecursion);
    /// <summary>Serialises the operations that issue controlq commands and change the tables.</summary>
    private readonly object _gate = new();
    private readonly Dictionary<ulong, OwnDmb> _own = new();
    private readonly Dictionary<ulong, OwnDmb> _ownByOffset = new();
    private readonly Dictionary<ulong, Attachment> _attached = new();
    private readonly bool[] _used;

    /// <summary>
    /// register_dmb (rules 17–19): dmb_len 0 or above region_size → -EINVAL; the lowest free local index in
    /// 0..max_dmbs−1 (the requested idx is ignored, as loopback does, rule 26) or -ENOSPC; ALLOC of dmb_len bytes
    /// (the device zeroes the region, draft statement 15 — rule 18), refused → -ENOSPC (the draft's single ERR ack
    /// means no slot, a full window or no memory); token = the region token (unique among live regions of the host,
    /// rule 19); cpu_addr = the region's REGIONS offset, dma_addr all ones (no DMA, SMC unregisters only non-zero,
    /// rule 74); the client recorded as owner of idx (rule 17). With <see cref="VirtioIsmDibsOptions.RestrictToRgid"/>
    /// the rgid's device gets the region's rights with DENY_OTHER. vlan fields are ignored.
    /// </summary>
    public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
    {
        CheckDev(dev);
        ArgumentNullException.ThrowIfNull(client);
        if (dmb.DmbLen == 0 || dmb.DmbLen > _driver.RegionSize)
            return -Errno.EINVAL;
        lock (_gate)
        {
            var idx = Array.IndexOf(_used, false);
            if (idx < 0)
                return -Errno.ENOSPC;
            var len = dmb.DmbLen;
            var region = WithEviction(() => Command(() => _driver.AllocAsync(len)));
            if (region is null)
                return -Errno.ENOSPC;
            if (Options.RestrictToRgid && DesignatedPeer(dmb.Rgid) is ulong peer
                && Command(() => region.GrantAsync(peer, VirtioIsmPerm.Read | VirtioIsmPerm.Write | VirtioIsmPerm.Attach | VirtioIsmPerm.DenyOther)) is not { IsOk: true })
            {
                Detach(region);
                return -Errno.EIO;
            }
            var own = new OwnDmb((uint)idx, len, region);
            _rw.EnterWriteLock();
            try
            {
                _used[idx] = true;
                _own.Add(own.Token, own);
                _ownByOffset.Add(region.Offset, own);
            }
            finally { _rw.ExitWriteLock(); }
            dmb.DmbTok = own.Token;
            dmb.Idx = own.Idx;
            dmb.CpuAddr = region.Offset;
            dmb.DmaAddr = DibsSpec.DibsDmaAddrInvalid;
            Device.SetDmbOwner(own.Idx, client);
            return 0;
        }
    }

    /// <summary>
    /// unregister_dmb: found by token (the caller's idx and addresses are not trusted), -EINVAL when unknown. The
    /// owner entry is cleared and the DMB leaves the tables before the DETACH, so no signal reaches the client and no
    /// store reaches the region afterwards. Peers still attached keep the region alive (draft statement 24) and may
    /// keep writing into it; their notifies reach nobody. A refused DETACH gives -EIO (the record is dropped anyway).
    /// </summary>
    public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        CheckDev(dev);
        lock (_gate)
        {
            OwnDmb? own;
            _rw.EnterWriteLock();
            try
            {
                if (!_own.Remove(dmb.DmbTok, out own))
                    return -Errno.EINVAL;
                Device.ClearDmbOwner(own.Idx);
                _ownByOffset.Remove(own.Region.Offset);
                _used[own.Idx] = false;
            }
            finally { _rw.ExitWriteLock(); }
            return Detach(own.Region) ? 0 : -Errno.EIO;
        }
    }

    /// <summary>
    /// The DMB's bytes: an own DMB's first dmb_len bytes, or a peer region attached here (region_size bytes);
    /// -EINVAL otherwise. In process every access is checked against the device's rights (LocalPort).
    /// </summary>
    public DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token)
    {
        CheckDev(dev);
        _rw.EnterReadLock();
        try
        {
            if (_own.TryGetValue(token, out var own))
                return own.Memory;
            if (_attached.TryGetValue(token, out var attachment))
                return attachment.Region.Memory;
            return DibsResult<Memory<byte>>.Fail(Errno.EINVAL);
        }
        finally { _rw.ExitReadLock(); }
    }

    /// <summary>The devid an rgid designates when it is another device of this host, else null.</summary>
    private ulong? DesignatedPeer(ReadOnlySpan<byte> rgid) =>
        VirtioIsmDibsGid.TryParse(rgid, out var host, out var devid) && host == _driver.Gid && devid != _driver.Devid ? devid : null;

    /// <summary>
    /// Runs a driver command to completion on this thread (also from inside handle_irq, which runs on the driver's
    /// interrupt thread); null when it failed or the transport broke.
    /// </summary>
    private IsmRegion? Command(Func<Task<IsmResult<IsmRegion>>> command)
    {
        try
        {
            var result = _driver.RunCommand(command);
            return result.IsOk ? result.Value : null;
        }
        catch (Exception e) when (e is TimeoutException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
    }

    private IsmResult? Command(Func<Task<IsmResult>> command)
    {
        try
        {
            return _driver.RunCommand(command);
        }
        catch (Exception e) when (e is TimeoutException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
    }

    private bool Detach(IsmRegion region) => Command(region.DetachAsync) is { IsOk: true };

    /// <summary>
    /// A refused ALLOC/ATTACH may be a full REGIONS window (the draft's single ERR ack does not say): then the least
    /// recently used cached attachment that no attach_dmb holds is DETACHed and the command is tried once more.
    /// Caller holds <see cref="_gate"/>.
    /// </summary>
    private IsmRegion? WithEviction(Func<IsmRegion?> command) => command() ?? (EvictOne() ? command() : null);

    private bool EvictOne()
    {
        Attachment? victim;
        _rw.EnterWriteLock();
        try
        {
            victim = _attached.Values.Where(a => a.ExplicitRefs == 0).MinBy(a => Volatile.Read(ref a.LastUse));
            if (victim is not null)
                _attached.Remove(victim.Token);
        }
        finally { _rw.ExitWriteLock(); }
        return victim is not null && Detach(victim.Region);
    }
}
