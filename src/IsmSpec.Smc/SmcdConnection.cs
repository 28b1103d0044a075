using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.Smc;

namespace IsmSpec.Smc;

/// <summary>
/// One SMC-D-style connection over a DIBS device (research §2.9): the receive DMB is ours (registered with
/// rgid = peer GID, rule 71) and the peer writes its payload and CDC messages into it; we write into the
/// peer's DMB by token. Every CDC message carries both our producer cursor (in the peer's ring) and our
/// consumer cursor (in our ring) plus our flags, so the peer's DMB header tells the peer how much it may
/// send. Send path in SmcdConnection.Send.cs, receive path in SmcdConnection.Receive.cs; the public byte
/// stream is <see cref="SmcdStream"/>. Decisions: spec/smc/stream-decisions.ism, src/IsmSpec.Smc/README.md.
/// </summary>
public sealed partial class SmcdConnection : IDisposable
{
    /// <summary>The peer's DMBE index: Linux SMC uses one DMBE per DMB, index 0 (SMC-DMBE-INDEX-ZERO).</summary>
    public const uint PeerDmbeIndex = 0;

    private readonly object _lock = new();
    private readonly AsyncPulse _pulse = new();
    private readonly SemaphoreSlim _readGate = new(1, 1);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SmcdClient _client;
    private readonly DibsDevice _dev;
    private readonly Memory<byte> _rx;
    private DibsDmb _rxDmb;
    private ulong _peerToken;
    private uint _peerRing;
    private bool _connected, _dmbReleased, _disposed;
    private string? _broken;

    private SmcdConnection(SmcdClient client, DibsDevice dev, DibsDmb rxDmb, Memory<byte> rx)
    {
        _client = client;
        _dev = dev;
        _rxDmb = rxDmb;
        _rx = rx;
        RingSize = rxDmb.DmbLen - CdcHeader.RingOffset;
    }

    /// <summary>
    /// Registers the receive DMB of a new connection on <paramref name="dev"/>: <paramref name="dmbLen"/> bytes
    /// including the CDC header, rgid = <paramref name="peerGid"/>, idx 0 (device chooses), vlan_valid 0 (rule 71).
    /// -EOPNOTSUPP when the device gives no access to its DMB memory (<see cref="IDibsDmbMemory"/>),
    /// -EINVAL for a DMB too small for a header and a ring, otherwise the device's register_dmb code.
    /// </summary>
    internal static DibsResult<SmcdConnection> Create(SmcdClient client, DibsDevice dev, ReadOnlySpan<byte> peerGid, uint dmbLen)
    {
        if (dev.Ops is not IDibsDmbMemory memory)
            return DibsResult<SmcdConnection>.Fail(Errno.EOPNOTSUPP);
        if (dmbLen < SmcdStreamOptions.MinDmbSize || peerGid.Length != DibsSpec.DibsGidLen)
            return DibsResult<SmcdConnection>.Fail(Errno.EINVAL);
        var dmb = new DibsDmb { DmbLen = dmbLen };
        peerGid.CopyTo(dmb.Rgid);
        var rc = dev.Ops.RegisterDmb(dev, ref dmb, client.Client);
        if (rc != 0)
            return DibsResult<SmcdConnection>.Fail(rc);
        var mem = memory.GetDmbMemory(dev, dmb.DmbTok);
        if (!mem.IsOk || mem.Value.Length < dmbLen)
        {
            dev.Ops.UnregisterDmb(dev, ref dmb);
            return DibsResult<SmcdConnection>.Fail(Errno.EINVAL);
        }
        var conn = new SmcdConnection(client, dev, dmb, mem.Value[..(int)dmbLen]);
        if (!client.Bind(dev, dmb.Idx, conn))
        {
            dev.Ops.UnregisterDmb(dev, ref dmb);
            return DibsResult<SmcdConnection>.Fail(Errno.EINVAL);
        }
        return conn;
    }

    /// <summary>Second half of the setup, once the peer's token and DMB size are known (from the CLC-like exchange).</summary>
    internal void Connect(ulong peerToken, uint peerDmbLen)
    {
        lock (_lock)
        {
            _peerToken = peerToken;
            _peerRing = peerDmbLen - CdcHeader.RingOffset;
            _connected = true;
        }
        _pulse.Pulse();
    }

    public DibsDevice Device => _dev;
    /// <summary>Token and index of our receive DMB.</summary>
    public ulong LocalToken => _rxDmb.DmbTok;
    public uint LocalIndex => _rxDmb.Idx;
    public ulong PeerToken => _peerToken;
    /// <summary>Usable bytes of our ring (DMB size − 32, SMC-DMB-HEADER-AT-ZERO) and of the peer's.</summary>
    public uint RingSize { get; }
    public uint PeerRingSize => _peerRing;

    /// <summary>Why the connection can no longer be used (move_data failure, protocol error, device gone), or null.</summary>
    public string? BrokenReason { get { lock (_lock) return _broken; } }

    /// <summary>A byte-stream view of this connection; disposing it closes the connection.</summary>
    public SmcdStream GetStream() => new(this);

    /// <summary>handle_irq for our DMB index (rule 72): wake readers and writers, who re-read the header themselves.</summary>
    internal void OnSignal() => _pulse.Pulse();

    /// <summary>del_dev: the device goes away; release our DMB while the device is still usable and fail the connection.</summary>
    internal void OnDeviceGone()
    {
        lock (_lock)
        {
            _broken ??= "the DIBS device was removed";
            ReleaseDmbLocked();
        }
        _pulse.Pulse();
    }

    /// <summary>Graceful close: a CDC message with peer_done_writing and peer_conn_closed, then our DMB is unregistered.</summary>
    public void Dispose() => Close(abort: false);

    /// <summary>Abortive close: a CDC message with peer_conn_abort (the peer's reads and writes fail), then cleanup.</summary>
    public void Abort() => Close(abort: true);

    private void Close(bool abort)
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            if (_connected && _broken is null && !_dmbReleased)
            {
                if (abort)
                    _abortSent = true;
                else
                    _doneWriting = _closedSent = true;
                if (!_peerFlags.PeerConnClosed || abort)
                    SendCdcLocked(consCursUpdReq: false);
            }
            _disposed = true;
            ReleaseDmbLocked();
        }
        _pulse.Pulse();
    }

    /// <summary>Unbind from the client's table, then unregister_dmb exactly once (rule 68).</summary>
    private void ReleaseDmbLocked()
    {
        if (_dmbReleased)
            return;
        _dmbReleased = true;
        _client.Unbind(_dev, _rxDmb.Idx, this);
        if (_client.Uses(_dev))
            _dev.Ops.UnregisterDmb(_dev, ref _rxDmb);
    }

    /// <summary>Marks the connection unusable (rule 69 for move_data failures) and wakes everyone.</summary>
    private void FailLocked(string reason)
    {
        _broken ??= reason;
        _pulse.Pulse();
    }

    private void ThrowIfDisposedLocked() => ObjectDisposedException.ThrowIf(_disposed, this);
}
