using IsmSpec.Specs.Smc;

namespace IsmSpec.Smc;

/// <summary>Send path (research §2.9, rule 70) and flow control (spec/smc/stream-decisions.ism).</summary>
public sealed partial class SmcdConnection
{
    private ulong _txProd, _txConsKnown;
    private bool _doneWriting, _closedSent, _abortSent, _writeBlocked, _blockedAnnounced;

    /// <summary>Bytes written into the peer's ring so far (our producer position).</summary>
    public ulong BytesSent { get { lock (_lock) return _txProd; } }
    /// <summary>Counters for tests: payload move_data calls (sf = 0) and CDC messages (sf = 1).</summary>
    public long PayloadWrites { get; private set; }
    public long CdcWrites { get; private set; }

    /// <summary>Writes all of <paramref name="data"/>, blocking while the peer's ring is full.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        _writeGate.Wait();
        try
        {
            long pollDeadline = 0;
            var spinner = new SpinWait();
            while (!data.IsEmpty)
            {
                var n = TryWriteSome(data, out var wait);
                if (n > 0)
                    pollDeadline = 0;
                else if (!KeepPolling(wait!, ref pollDeadline, ref spinner))
                    wait!.GetAwaiter().GetResult();
                data = data[n..];
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Writes all of <paramref name="data"/>, awaiting free space in the peer's ring.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long pollDeadline = 0;
            var spinner = new SpinWait();
            while (!data.IsEmpty)
            {
                var n = TryWriteSome(data.Span, out var wait);
                bool first = pollDeadline == 0;
                if (n > 0)
                    pollDeadline = 0;
                else if (KeepPolling(wait!, ref pollDeadline, ref spinner))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (first)
                        await Task.Yield();                // poll on a pool thread, never in the caller's
                }
                else
                    await wait!.WaitAsync(cancellationToken).ConfigureAwait(false);
                data = data[n..];
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Half-close (shutdown(SHUT_WR)): a CDC message with peer_done_writing; the peer reads to the end of
    /// what was sent and then sees end of stream. Reading stays possible.
    /// </summary>
    public void ShutdownWrite()
    {
        lock (_lock)
        {
            ThrowIfDisposedLocked();
            if (_doneWriting || !_connected)
                return;
            _doneWriting = true;
            if (_broken is null)
                SendCdcLocked(consCursUpdReq: false);
        }
    }

    /// <summary>
    /// One step of the send path: as many bytes as the peer's ring has room for, as at most two unsignalled
    /// payload writes at 32 + ring offset (one before and one after the wrap), then one signalled CDC message
    /// (rule 70). Returns 0 with <paramref name="wait"/> set when the ring is full (flow control).
    /// </summary>
    private int TryWriteSome(ReadOnlySpan<byte> data, out Task? wait)
    {
        wait = _pulse.Current;
        ulong free;
        lock (_lock)
        {
            ThrowIfDisposedLocked();
            if (_doneWriting)
                throw new InvalidOperationException("the write side of this connection was shut down");
            RefreshLocked();
            ThrowIfPeerGoneLocked(forWrite: true);
            if (!_connected)
                return 0;
            free = _peerRing - (_txProd - _txConsKnown);
            if (free == 0)
            {
                // SMC-STREAM-WRITE-BLOCKED / SMC-STREAM-CONS-UPDATE: announce once per blocking, asking for an update.
                if (!_blockedAnnounced)
                {
                    _writeBlocked = _blockedAnnounced = true;
                    if (!SendCdcLocked(consCursUpdReq: true))
                        ThrowIfPeerGoneLocked(forWrite: true);
                }
                return 0;
            }
        }
        var n = (int)Math.Min(free, (ulong)data.Length);
        var ringOffset = (uint)(_txProd % _peerRing);
        var first = (int)Math.Min((uint)n, _peerRing - ringOffset);
        var rc = MovePayload(CdcHeader.RingOffset + ringOffset, data[..first]);
        if (rc >= 0 && first < n)
            rc = MovePayload(CdcHeader.RingOffset, data[first..n]);
        lock (_lock)
        {
            if (rc < 0)
            {
                FailLocked($"move_data of payload failed with {IsmSpec.Dibs.Errno.Name(rc)}");
                ThrowIfPeerGoneLocked(forWrite: true);
            }
            _txProd += (ulong)n;
            _writeBlocked = n < data.Length;
            _blockedAnnounced = false;
            if (!SendCdcLocked(consCursUpdReq: false))
                ThrowIfPeerGoneLocked(forWrite: true);
        }
        wait = null;
        return n;
    }

    /// <summary>Payload write with sf = 0 into the peer's DMB; only negative codes are failures (rule 69).</summary>
    private int MovePayload(uint offset, ReadOnlySpan<byte> bytes)
    {
        PayloadWrites++;
        var rc = _dev.Ops.MoveData(_dev, _peerToken, PeerDmbeIndex, sf: false, offset, bytes);
        return rc < 0 ? rc : 0;
    }

    /// <summary>
    /// The signalled 32-byte CDC message at offset 0 of the peer's DMB (rule 70), carrying our producer and
    /// consumer cursors and all flags in the cons cursor (SMC-CDC-FLAGS-IN-CONS). False (connection failed,
    /// rule 69) when move_data returns a negative code.
    /// </summary>
    private bool SendCdcLocked(bool consCursUpdReq)
    {
        var prodFlags = new SmcdProdFlags { WriteBlocked = _writeBlocked, ConsCursUpdReq = consCursUpdReq };
        var connFlags = new SmcdConnStateFlags
        {
            PeerDoneWriting = _doneWriting || _closedSent,
            PeerConnClosed = _closedSent,
            PeerConnAbort = _abortSent,
        };
        var msg = CdcHeader.Compose(_txProd, _peerRing, _rxCons, RingSize, prodFlags, connFlags);
        Span<byte> image = stackalloc byte[SmcdCdcMsg.Size];
        CdcHeader.Write(msg, image);
        CdcWrites++;
        var rc = _dev.Ops.MoveData(_dev, _peerToken, PeerDmbeIndex, sf: true, offset: 0, image);
        if (rc < 0)
        {
            FailLocked($"move_data of the CDC message failed with {IsmSpec.Dibs.Errno.Name(rc)}");
            return false;
        }
        _rxConsSent = _rxCons;
        return true;
    }
}
