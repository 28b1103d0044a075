using IsmSpec.Specs.Smc;

namespace IsmSpec.Smc;

/// <summary>Receive path (research §2.9 "Receive path", SMC-RECV-READS-HEADER) and consumer-cursor updates.</summary>
public sealed partial class SmcdConnection
{
    private ulong _rxCons, _rxProdKnown, _rxConsSent;
    private SmcdProdFlags _peerProdFlags;
    private SmcdConnStateFlags _peerFlags;
    private bool _protocolError;

    /// <summary>Bytes consumed from our ring so far (our consumer position).</summary>
    public ulong BytesReceived { get { lock (_lock) return _rxCons; } }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes; 0 only at end of stream (or for an empty buffer).</summary>
    public int Read(Span<byte> buffer)
    {
        _readGate.Wait();
        try
        {
            long pollDeadline = 0;
            var spinner = new SpinWait();
            while (true)
            {
                var n = TryReadSome(buffer, out var wait);
                if (n >= 0)
                    return n;
                if (!KeepPolling(wait!, ref pollDeadline, ref spinner))
                    wait!.GetAwaiter().GetResult();
            }
        }
        finally
        {
            _readGate.Release();
        }
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _readGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long pollDeadline = 0;
            var spinner = new SpinWait();
            while (true)
            {
                var n = TryReadSome(buffer.Span, out var wait);
                if (n >= 0)
                    return n;
                bool first = pollDeadline == 0;
                if (KeepPolling(wait!, ref pollDeadline, ref spinner))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (first)
                        await Task.Yield();                // poll on a pool thread, never in the caller's
                }
                else
                    await wait!.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _readGate.Release();
        }
    }

    /// <summary>
    /// One step of the receive path: take the CDC message from our DMB, copy what the peer produced (at most
    /// two copies around the wrap), advance our consumer cursor and, when due, tell the peer
    /// (SMC-STREAM-CONS-UPDATE). Returns -1 with <paramref name="wait"/> set when nothing is there yet,
    /// 0 at end of stream (SMC-STREAM-CLOSE).
    /// </summary>
    private int TryReadSome(Span<byte> buffer, out Task? wait)
    {
        wait = _pulse.Current;
        ulong start, available;
        lock (_lock)
        {
            ThrowIfDisposedLocked();
            if (buffer.IsEmpty)
                return 0;
            RefreshLocked();
            ThrowIfPeerGoneLocked(forWrite: false);
            available = _rxProdKnown - _rxCons;
            if (available == 0)
            {
                if (_peerFlags.PeerDoneWriting || _peerFlags.PeerConnClosed)
                    return 0;
                return -1;
            }
            start = _rxCons;
        }
        var n = (int)Math.Min(available, (ulong)buffer.Length);
        var ringOffset = (int)(start % RingSize);
        var first = Math.Min(n, (int)RingSize - ringOffset);
        var ring = _rx.Span[CdcHeader.RingOffset..];
        ring.Slice(ringOffset, first).CopyTo(buffer);
        ring[..(n - first)].CopyTo(buffer[first..]);
        lock (_lock)
        {
            _rxCons += (ulong)n;
            var due = _peerProdFlags.WriteBlocked || _peerProdFlags.ConsCursUpdReq || _rxCons - _rxConsSent >= (RingSize + 1) / 2;
            if (due && _broken is null && !_peerFlags.PeerConnClosed && !_disposed)
                SendCdcLocked(consCursUpdReq: false);
        }
        wait = null;
        return n;
    }

    /// <summary>
    /// Takes the CDC message from offset 0 of our DMB and turns its cursors into linear positions: the
    /// peer's producer (relative to our consumer) and the peer's consumer of our sends (relative to the last
    /// one known). An all-zero header means nothing was sent yet (DMBs start zeroed, rule 18); anything
    /// unreachable is a protocol error that aborts the connection (SMC-STREAM-PROTOCOL-ERROR).
    /// </summary>
    private void RefreshLocked()
    {
        if (!_connected || _dmbReleased || _protocolError)
            return;
        var msg = CdcHeader.Read(_rx.Span);
        if (msg.Type == 0 && msg.Prod.Count == 0 && msg.Prod.Wrap == 0 && msg.Cons.Count == 0 && msg.Cons.Wrap == 0)
            return;
        if (msg.Type != SmcSpec.SmcCdcMsgType)
        {
            ProtocolErrorLocked($"CDC message type 0x{msg.Type:X2} instead of 0xFE");
            return;
        }
        if (!SmcdCursor.TryResolve(_rxCons, RingSize, msg.Prod, out var prod) || prod < _rxProdKnown)
        {
            ProtocolErrorLocked($"producer cursor {msg.Prod.Wrap}/{msg.Prod.Count} outside [{_rxCons}, {_rxCons + RingSize}]");
            return;
        }
        if (!SmcdCursor.TryResolve(_txConsKnown, _peerRing, msg.Cons, out var cons) || cons > _txProd)
        {
            ProtocolErrorLocked($"consumer cursor {msg.Cons.Wrap}/{msg.Cons.Count} beyond what was sent ({_txProd})");
            return;
        }
        _rxProdKnown = prod;
        _txConsKnown = cons;
        _peerProdFlags = msg.Cons.ProdFlags;
        _peerFlags = msg.Cons.ConnStateFlags;
    }

    private void ProtocolErrorLocked(string reason)
    {
        _protocolError = true;
        FailLocked("protocol error: " + reason);
        if (!_abortSent)
        {
            _abortSent = true;
            SendCdcLocked(consCursUpdReq: false);
        }
    }

    /// <summary>
    /// SMC-STREAM-ABORT: a peer abort fails reads and writes at once (unread bytes are dropped). A peer close
    /// fails writes (like EPIPE) but reads drain to end of stream. Local failures fail both, except that a
    /// failed move_data after the peer's graceful close still lets reads drain.
    /// </summary>
    private void ThrowIfPeerGoneLocked(bool forWrite)
    {
        if (_peerFlags.PeerConnAbort)
            throw new IOException("the connection was aborted by the peer (peer_conn_abort)");
        if (_broken is not null && (forWrite || _protocolError || _dmbReleased || !_peerFlags.PeerConnClosed))
            throw new IOException("the connection is broken: " + _broken);
        if (forWrite && _peerFlags.PeerConnClosed)
            throw new IOException("the peer closed the connection (peer_conn_closed)");
    }
}
