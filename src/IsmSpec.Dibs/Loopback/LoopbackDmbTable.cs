using System.Runtime.InteropServices;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Dibs.Loopback;

/// <summary>
/// One loopback DMB (struct dibs_lo_dmb_node): token, index, length, buffer, reference count. The DMB is
/// <see cref="Len"/> bytes of <see cref="Buffer"/> from <see cref="Start"/> (the default allocator page-aligns it).
/// </summary>
internal sealed class LoopbackDmb(uint idx, uint len, byte[] buffer, int start)
{
    public ulong Token { get; set; }
    public uint Idx { get; } = idx;
    public uint Len { get; } = len;
    public byte[] Buffer { get; } = buffer;
    public int Start { get; } = start;
    public ulong CpuAddr { get; } = (ulong)Marshal.UnsafeAddrOfPinnedArrayElement(buffer, start);
    /// <summary>Guarded by the table's write lock; 0 means dying (on its way out of the table).</summary>
    public int RefCount { get; set; } = 1;
    public Memory<byte> Memory => Buffer.AsMemory(Start, (int)Len);
}

/// <summary>
/// The loopback's token table and index bitmap (dibs_lo_dev: dmb_ht, dmb_ht_lock, sba_idx_mask, dmb_cnt).
/// A reader/writer lock like dmb_ht_lock: copies run under the read lock, so move_data from several
/// threads proceeds in parallel; reference counts change under the write lock. No client callback ever
/// runs under this lock.
/// </summary>
internal sealed class LoopbackDmbTable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<ulong, LoopbackDmb> _byToken = [];
    private readonly bool[] _indexUsed = new bool[DibsSpec.DibsLoMaxDmbs];
    private readonly object _countGate = new();
    private int _count;

    /// <summary>Number of DMBs not yet freed (dmb_cnt).</summary>
    public int Count
    {
        get { lock (_countGate) return _count; }
    }

    /// <summary>Claim the lowest clear index bit in 0..4999, or -1 when all are taken (rule 26).</summary>
    public int ClaimLowestIndex()
    {
        _lock.EnterWriteLock();
        try
        {
            var idx = Array.IndexOf(_indexUsed, false);
            if (idx >= 0)
                _indexUsed[idx] = true;
            return idx;
        }
        finally { _lock.ExitWriteLock(); }
    }

    public void ReleaseIndex(uint idx)
    {
        _lock.EnterWriteLock();
        try { _indexUsed[idx] = false; }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Draw tokens until one is not in the table, then insert (rule 29). The check and insert are one step here.</summary>
    public void InsertWithUniqueToken(LoopbackDmb node, Func<ulong> nextToken)
    {
        _lock.EnterWriteLock();
        try
        {
            ulong token;
            do
                token = nextToken();
            while (_byToken.ContainsKey(token));
            node.Token = token;
            _byToken.Add(token, node);
        }
        finally { _lock.ExitWriteLock(); }
        lock (_countGate)
            _count++;
    }

    public LoopbackDmb? Find(ulong token)
    {
        _lock.EnterReadLock();
        try { return _byToken.GetValueOrDefault(token); }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// move_data's copy under the read lock. -EINVAL for an unknown token (rule 32) and, unlike the kernel,
    /// when offset + size passes dmb_len (DIBS-LO-MOVE-BOUNDS): then nothing is written.
    /// </summary>
    public int Copy(ulong token, uint offset, ReadOnlySpan<byte> data, out uint dmbIdx)
    {
        _lock.EnterReadLock();
        try
        {
            dmbIdx = 0;
            if (!_byToken.TryGetValue(token, out var node))
                return -Errno.EINVAL;
            if ((ulong)offset + (ulong)data.Length > node.Len)
                return -Errno.EINVAL;
            data.CopyTo(node.Buffer.AsSpan(node.Start + (int)offset, data.Length));
            dmbIdx = node.Idx;
            return 0;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>attach_dmb's refcount_inc_not_zero: -EINVAL for an unknown or dying DMB (rules 32, 33).</summary>
    public int TakeRef(ulong token, out LoopbackDmb? node)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_byToken.TryGetValue(token, out node) || node.RefCount == 0)
                return -Errno.EINVAL;
            node.RefCount++;
            return 0;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>
    /// unregister_dmb / detach_dmb's refcount_dec_and_test: -EINVAL for an unknown (or already dying) DMB;
    /// <paramref name="dying"/> is the node when this dropped the last reference (it stays in the table
    /// until <see cref="Remove"/>, so its index cannot be handed out before the owner entry is reset).
    /// </summary>
    public int DropRef(ulong token, out LoopbackDmb? dying)
    {
        dying = null;
        _lock.EnterWriteLock();
        try
        {
            if (!_byToken.TryGetValue(token, out var node) || node.RefCount == 0)
                return -Errno.EINVAL;
            if (--node.RefCount == 0)
                dying = node;
            return 0;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>__dibs_lo_unregister_dmb: remove from the table, free the index, count down and wake a waiting teardown (rule 34).</summary>
    public void Remove(LoopbackDmb node)
    {
        _lock.EnterWriteLock();
        try
        {
            _byToken.Remove(node.Token);
            _indexUsed[node.Idx] = false;
        }
        finally { _lock.ExitWriteLock(); }
        lock (_countGate)
        {
            if (--_count == 0)
                Monitor.PulseAll(_countGate);
        }
    }

    /// <summary>wait_event(ldev_release, !dmb_cnt), bounded by <paramref name="timeout"/>.</summary>
    public bool WaitEmpty(TimeSpan timeout)
    {
        var deadline = timeout == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + timeout;
        lock (_countGate)
        {
            while (_count != 0)
            {
                var left = deadline == DateTime.MaxValue ? Timeout.InfiniteTimeSpan : deadline - DateTime.UtcNow;
                if (left != Timeout.InfiniteTimeSpan && left <= TimeSpan.Zero)
                    return false;
                Monitor.Wait(_countGate, left);
            }
            return true;
        }
    }
}
