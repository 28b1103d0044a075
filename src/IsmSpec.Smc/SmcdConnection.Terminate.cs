namespace IsmSpec.Smc;

/// <summary>Link-group termination (rule 77: DEV events and shutdown events end the connections to a peer).</summary>
public sealed partial class SmcdConnection
{
    /// <summary>Whether the peer's GID is <paramref name="gid"/> (our DMB was registered with rgid = peer GID, rule 71).</summary>
    internal bool IsPeer(ReadOnlySpan<byte> gid) => _rxDmb.Rgid.SequenceEqual(gid);

    /// <summary>smc_conn_kill: the connection fails locally and its DMB is unregistered (once, rule 68).</summary>
    internal void Terminate(string reason)
    {
        lock (_lock)
        {
            _broken ??= reason;
            ReleaseDmbLocked();
        }
        _pulse.Pulse();
    }
}
