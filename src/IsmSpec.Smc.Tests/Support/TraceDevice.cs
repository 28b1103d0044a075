namespace IsmSpec.Smc.Tests.Support;

/// <summary>
/// An in-process DIBS device that records every register_dmb and move_data call (both ends of a connection
/// live on it, like loopback) and lets a test replace move_data's return code. Signals call handle_irq
/// synchronously with a deliberately odd dmbemask (0xBEEF) and the target DMB's index.
/// </summary>
internal sealed class TraceDevice : IDibsDevOps<DibsDevice, DibsClient>, IDibsDmbMemory
{
    private readonly Dictionary<ulong, (uint Idx, byte[] Buffer)> _dmbs = [];
    private uint _nextIdx = 7;
    private ulong _nextToken = 0x1000_0000_0000;

    public TraceDevice() => Device = new DibsDevice("trace", Guid.NewGuid().ToByteArray(), this);

    public DibsDevice Device { get; }
    public List<DibsDmb> Registered { get; } = [];
    /// <summary>Tokens passed to unregister_dmb, with the code returned.</summary>
    public List<(ulong Token, int Rc)> Unregistered { get; } = [];
    public List<(ulong Token, uint Idx, bool Sf, uint Offset, int Size)> Moves { get; } = [];
    /// <summary>When true, signalled moves copy but never call handle_irq (a signal path that lost them).</summary>
    public bool DropSignals { get; set; }
    /// <summary>When set, its result replaces move_data's return code (the copy still happens for codes ≥ 0).</summary>
    public Func<int>? MoveResult { get; set; }

    public ushort GetFabricId(DibsDevice dev) => 0x0042;
    public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid) => rgid.SequenceEqual(dev.Gid) ? 0 : -Errno.ENETUNREACH;
    public int MaxDmbs() => 64;

    public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
    {
        lock (_dmbs)
        {
            Registered.Add(dmb);
            dmb.Idx = _nextIdx++;
            dmb.DmbTok = _nextToken++;
            _dmbs[dmb.DmbTok] = (dmb.Idx, new byte[dmb.DmbLen]);
        }
        dev.SetDmbOwner(dmb.Idx, client);
        return 0;
    }

    public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        lock (_dmbs)
        {
            if (!_dmbs.Remove(dmb.DmbTok, out var entry))
            {
                Unregistered.Add((dmb.DmbTok, -Errno.EINVAL));
                return -Errno.EINVAL;
            }
            Unregistered.Add((dmb.DmbTok, 0));
            dev.ClearDmbOwner(entry.Idx);
        }
        return 0;
    }

    public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
    {
        (uint Idx, byte[] Buffer) entry;
        lock (_dmbs)
        {
            Moves.Add((dmbTok, idx, sf, offset, data.Length));
            if (!_dmbs.TryGetValue(dmbTok, out entry) || offset + (ulong)data.Length > (ulong)entry.Buffer.Length)
                return -Errno.EINVAL;
        }
        var rc = MoveResult?.Invoke() ?? 0;
        if (rc < 0)
            return rc;
        data.CopyTo(entry.Buffer.AsSpan((int)offset));
        if (sf && !DropSignals)
            Device.ForwardIrq(entry.Idx, 0xBEEF);
        return rc;
    }

    public DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token)
    {
        lock (_dmbs)
            return _dmbs.TryGetValue(token, out var entry) ? entry.Buffer.AsMemory() : DibsResult<Memory<byte>>.Fail(Errno.EINVAL);
    }
}

/// <summary>Both ends of a connection on one <see cref="TraceDevice"/>.</summary>
internal sealed class TraceBed : StreamBed
{
    public TraceBed()
    {
        Layer = DibsLayer.Load(false);
        Assert.True(Layer.AddDevice(Trace.Device).IsOk);
        Client = SmcdClient.Register(Layer).Value;
    }

    public TraceDevice Trace { get; } = new();
    public DibsLayer Layer { get; }
    public SmcdClient Client { get; }
    public override (SmcdClient, DibsDevice) A => (Client, Trace.Device);
    public override (SmcdClient, DibsDevice) B => (Client, Trace.Device);

    public override void Dispose() => Client.Unregister();
}
