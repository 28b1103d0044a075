using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Dibs.Loopback;

/// <summary>
/// The DIBS loopback device of drivers/dibs/dibs_loopback.c (research §3, rules 25–42): one device named
/// "lo" per layer with a random GID and fabric id 0xFFFF; DMBs are page-aligned pinned, zeroed managed arrays with
/// random unique tokens and the lowest free index in 0..4999; attach hands out the very same memory;
/// move_data copies and signals synchronously. Quirk decisions (src/IsmSpec.Dibs/README.md): move_data is
/// bounds-checked, a freeing detach clears the owner entry, the requested idx is ignored, size-0
/// signalled writes signal. Implements no vlan or signal_event op and never raises events (rules 16, 42).
/// </summary>
public sealed class DibsLoopback :
    IDibsDevOps<DibsDevice, DibsClient>,
    IDibsDevOpsMmapped<DibsDevice, DibsClient>,
    IDibsDmbMemory
{
    private const int PageSize = 4096;
    private readonly LoopbackDmbTable _table = new();
    private readonly Func<ulong> _nextToken;
    private readonly Func<int, byte[]?>? _allocator;
    private readonly DibsLayer _layer;

    private DibsLoopback(DibsLayer layer, DibsLoopbackOptions options)
    {
        _layer = layer;
        _nextToken = options.TokenSource ?? RandomToken;
        _allocator = options.Allocator;
        var gid = options.Gid ?? Guid.NewGuid().ToByteArray(bigEndian: true);
        Device = new DibsDevice("lo", gid, this);
    }

    /// <summary>The layer's view of this device.</summary>
    public DibsDevice Device { get; }

    /// <summary>DMBs not yet freed (dmb_cnt).</summary>
    public int DmbCount => _table.Count;

    /// <summary>
    /// dibs_lo_dev_probe: create the loopback device and add it to <paramref name="layer"/>. -EEXIST when
    /// the layer already has one (rule 41: exactly one), or the error of <see cref="DibsLayer.AddDevice"/>.
    /// </summary>
    public static DibsResult<DibsLoopback> Probe(DibsLayer layer, DibsLoopbackOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var lo = new DibsLoopback(layer, options ?? new DibsLoopbackOptions());
        if (!layer.TryClaimLoopback(lo))
            return DibsResult<DibsLoopback>.Fail(Errno.EEXIST);
        var rc = layer.AddDevice(lo.Device);
        if (!rc.IsOk)
        {
            layer.ReleaseLoopback(lo);
            return DibsResult<DibsLoopback>.Fail(rc.Code);
        }
        return lo;
    }

    /// <summary>
    /// dibs_lo_dev_exit: dibs_dev_del (clients get del_dev), then wait until every DMB is freed (rule 41).
    /// The kernel waits forever; here the wait is bounded and -ETIMEDOUT leaves the device removed from the
    /// layer but still owning its DMBs — call again to keep waiting.
    /// </summary>
    public DibsResult Remove(TimeSpan timeout)
    {
        if (ReferenceEquals(Device.Layer, _layer))
            _layer.DeleteDevice(Device);
        if (!_table.WaitEmpty(timeout))
            return DibsResult.Fail(Errno.ETIMEDOUT);
        _layer.ReleaseLoopback(this);
        return DibsResult.Ok;
    }

    /// <summary>rotate_right_16(0x1000, idx): the dmbemask loopback passes to handle_irq (rule 39).</summary>
    public static ushort DmbeMask(uint idx)
    {
        const uint bit = 0x1000;
        var shift = (int)(idx & 15);
        return (ushort)((bit >> shift) | (bit << ((16 - shift) & 15)));
    }

    // ---- dibs_dev_ops ----

    /// <summary>DIBS_LOOPBACK_FABRIC (rule 12).</summary>
    public ushort GetFabricId(DibsDevice dev) => (ushort)DibsSpec.DibsLoopbackFabric;

    /// <summary>dibs_lo_query_rgid: 0 for the own GID, else -ENETUNREACH; vlan ignored (rule 25).</summary>
    public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid)
    {
        CheckDev(dev);
        return rgid.SequenceEqual(Device.Gid) ? 0 : -Errno.ENETUNREACH;
    }

    /// <summary>DIBS_LO_MAX_DMBS (rule 14).</summary>
    public int MaxDmbs() => DibsSpec.DibsLoMaxDmbs;

    /// <summary>
    /// dibs_lo_register_dmb (rules 17, 18, 26–30): the requested idx is ignored (mirrored quirk); lowest
    /// free index or -ENOSPC; zeroed buffer of exactly dmb_len bytes or -ENOMEM (dmb_len 0 too:
    /// DIBS-LO-REGISTER-LEN-ZERO) with the index released; a random token unique in the table; dma_addr
    /// all ones; refcount 1; the client recorded as owner of the index.
    /// </summary>
    public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
    {
        CheckDev(dev);
        ArgumentNullException.ThrowIfNull(client);
        var idx = _table.ClaimLowestIndex();
        if (idx < 0)
            return -Errno.ENOSPC;
        if (Allocate(dmb.DmbLen) is not var (buffer, start))
        {
            _table.ReleaseIndex((uint)idx);
            return -Errno.ENOMEM;
        }
        var node = new LoopbackDmb((uint)idx, dmb.DmbLen, buffer, start);
        _table.InsertWithUniqueToken(node, _nextToken);
        dmb.Idx = node.Idx;
        dmb.DmbTok = node.Token;
        dmb.CpuAddr = node.CpuAddr;
        dmb.DmaAddr = DibsSpec.DibsDmaAddrInvalid;
        Device.SetDmbOwner(node.Idx, client);
        return 0;
    }

    /// <summary>
    /// dibs_lo_unregister_dmb: -EINVAL for an unknown token (rule 32); drops one reference and, at zero,
    /// clears the owner entry and then frees index and memory (rules 31, 34). 0 even if attachments keep it alive (rule 35).
    /// </summary>
    public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        CheckDev(dev);
        return Release(dmb.DmbTok);
    }

    /// <summary>
    /// dibs_lo_move_data: -EINVAL for an unknown token (rule 32) or, as IsmSpec's fix, for offset + size
    /// beyond dmb_len (DIBS-LO-MOVE-BOUNDS); otherwise copy (rules 22, 38). The writer is not checked against
    /// rgid (rule 38, mirrored). With sf, the owner's handle_irq runs before this returns, with the DMB's
    /// index and rotate_right_16(0x1000, idx) — also for 0 bytes (rules 39, 40); never coalesced.
    /// </summary>
    public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
    {
        CheckDev(dev);
        var rc = _table.Copy(dmbTok, offset, data, out var dmbIdx);
        if (rc != 0 || !sf)
            return rc;
        Device.ForwardIrq(dmbIdx, DmbeMask(idx));
        return 0;
    }

    // ---- mmapped group (rule 15: all three) ----

    /// <summary>DIBS_LO_SUPPORT_NOCOPY.</summary>
    public int SupportMmappedRdmb(DibsDevice dev) => DibsSpec.DibsLoSupportNocopy;

    /// <summary>
    /// dibs_lo_attach_dmb: -EINVAL for an unknown or dying token (rules 32, 33); one more reference (rule 31);
    /// fills in the target's own idx, token, cpu_addr, dma_addr and dmb_len (rule 37).
    /// </summary>
    public int AttachDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        CheckDev(dev);
        var rc = _table.TakeRef(dmb.DmbTok, out var node);
        if (rc != 0)
            return rc;
        dmb.Idx = node!.Idx;
        dmb.DmbTok = node.Token;
        dmb.CpuAddr = node.CpuAddr;
        dmb.DmaAddr = DibsSpec.DibsDmaAddrInvalid;
        dmb.DmbLen = node.Len;
        return 0;
    }

    /// <summary>
    /// dibs_lo_detach_dmb: -EINVAL for an unknown token; drops one reference and frees at zero. Unlike the
    /// kernel (quirk rule 36) the owner entry is cleared first (DIBS-LO-DETACH-CLEARS-OWNER).
    /// </summary>
    public int DetachDmb(DibsDevice dev, ulong token)
    {
        CheckDev(dev);
        return Release(token);
    }

    // ---- memory access ----

    /// <summary>The DMB's buffer, exactly dmb_len bytes; -EINVAL for an unknown token.</summary>
    public DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token)
    {
        CheckDev(dev);
        return _table.Find(token) is { } node ? node.Memory : DibsResult<Memory<byte>>.Fail(Errno.EINVAL);
    }

    private int Release(ulong token)
    {
        var rc = _table.DropRef(token, out var dying);
        if (rc != 0 || dying is null)
            return rc;
        // Owner entry first, then the index goes back to the bitmap, so a new owner is never overwritten.
        Device.ClearDmbOwner(dying.Idx);
        _table.Remove(dying);
        return 0;
    }

    /// <summary>
    /// The DMB's memory: the buffer and the offset where the DMB starts, or null (-ENOMEM). The default is a pinned
    /// array one page larger than dmb_len with the DMB starting at the first page boundary inside it, like the page
    /// allocator behind kzalloc of large sizes: a DMB that shares its page offset with the sender's buffer would make
    /// every copy into it pay for 4K aliasing (bench/README.md, data path).
    /// </summary>
    private (byte[] Buffer, int Start)? Allocate(uint len)
    {
        if (len == 0 || len > Array.MaxLength - PageSize)
            return null;
        try
        {
            if (_allocator is not null)
            {
                var given = _allocator((int)len);
                if (given is null || given.Length < len)
                    return null;
                Array.Clear(given);
                return (given, 0);
            }
            var buffer = GC.AllocateArray<byte>((int)len + PageSize - 1, pinned: true);
            var address = (ulong)Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0);
            var start = (int)((PageSize - (long)(address % PageSize)) % PageSize);
            return (buffer, start);
        }
        catch (OutOfMemoryException)
        {
            return null;
        }
    }

    private void CheckDev(DibsDevice dev)
    {
        if (!ReferenceEquals(dev, Device))
            throw new ArgumentException("not this loopback device", nameof(dev));
    }

    private static ulong RandomToken()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }
}
