using IsmSpec.Dibs;
using IsmSpec.Dibs.Loopback;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Conformance.Smc;

/// <summary>What backs a recording device: the reference loopback or a small in-memory fake.</summary>
public enum SmcdBackend
{
    Loopback,
    Fake,
}

/// <summary>One DIBS op the client under test called (or a signal the device raised), with its arguments and result.</summary>
public sealed record RecordedOp(string Op, ulong Token = 0, uint Idx = 0, bool Sf = false, uint Offset = 0, int Size = 0, int Rc = 0)
{
    /// <summary>move_data: a copy of the data when at most 64 bytes (CDC messages); register/unregister/attach: the descriptor.</summary>
    public byte[]? Data { get; init; }
    public DibsDmb Dmb { get; init; }
    /// <summary>unregister_dmb: whether the layer still forwarded to the DMB's owner, i.e. it had not left (rule 67).</summary>
    public bool OwnerSubscribed { get; init; }
    public ulong Vlan { get; init; }
    public byte[]? Rgid { get; init; }
    public uint TriggerIrq { get; init; }
    public uint EventCode { get; init; }
    public ulong Info { get; init; }

    public override string ToString() => $"{Op}(tok {Token:x}, idx {Idx}, sf {Sf}, off {Offset}, {Size} B) = {Rc}";
}

/// <summary>
/// The suite's DIBS device for client properties: it forwards to a backend (the reference loopback on a private
/// layer, or <see cref="FakeDibsBackend"/>), keeps its own owner table and signalling so it can choose the
/// dmbemask, records every op, and lets a property inject results of register_dmb, move_data and query_remote_gid.
/// Only the mandatory ops: <see cref="FullRecordingDevice"/> adds VLAN, signal_event and the mmapped trio.
/// </summary>
public class RecordingDevice : IDibsDevOps<DibsDevice, DibsClient>, IDibsDmbMemory, IDisposable
{
    private readonly List<RecordedOp> _ops = [];
    private readonly Dictionary<ulong, (uint Idx, DibsClient Client)> _owners = [];
    private readonly DibsLoopback? _loopback;
    private int _moves;

    public RecordingDevice(string name, SmcdBackend backend, ushort fabricId = 0x0042)
    {
        if (backend == SmcdBackend.Loopback)
        {
            _loopback = DibsLoopback.Probe(new DibsLayer()).Value;
            (Inner, InnerDev, InnerMmapped) = (_loopback, _loopback.Device, _loopback);
        }
        else
        {
            var fake = new FakeDibsBackend();
            (Inner, InnerDev, InnerMmapped) = (fake, fake.Device, fake);
        }
        FabricId = fabricId;
        Device = new DibsDevice(name, InnerDev.Gid, this);
    }

    public DibsDevice Device { get; }
    public ushort FabricId { get; set; }
    protected IDibsDevOps<DibsDevice, DibsClient> Inner { get; }
    protected IDibsDevOpsMmapped<DibsDevice, DibsClient> InnerMmapped { get; }
    protected DibsDevice InnerDev { get; }

    /// <summary>Replaces register_dmb's result before the backend is asked (non-zero: the registration fails).</summary>
    public Func<DibsDmb, int>? RegisterResult { get; set; }
    /// <summary>Replaces move_data's result by call number (0-based): negative fails without copying, positive copies then returns it.</summary>
    public Func<int, int>? MoveResult { get; set; }
    public Func<byte[], int>? QueryResult { get; set; }
    /// <summary>The dmbemask for a signal; the loopback's rotated mask by default.</summary>
    public Func<uint, ushort>? Mask { get; set; }

    public IReadOnlyList<RecordedOp> Ops
    {
        get { lock (_ops) return _ops.ToArray(); }
    }

    protected void Record(RecordedOp op)
    {
        lock (_ops) _ops.Add(op);
    }

    /// <summary>Reserves the op's place in the log when the call starts (so the log is in causal order), filled in by <see cref="Complete"/>.</summary>
    protected RecordedOp Begin(string op)
    {
        var placeholder = new RecordedOp(op, Token: 0, Rc: int.MinValue);
        lock (_ops) _ops.Add(placeholder);
        return placeholder;
    }

    protected void Complete(RecordedOp placeholder, RecordedOp op)
    {
        lock (_ops)
        {
            var at = _ops.FindLastIndex(o => ReferenceEquals(o, placeholder));
            if (at >= 0) _ops[at] = op;
        }
    }

    public void ClearLog()
    {
        lock (_ops) _ops.Clear();
    }

    /// <summary>The bytes of a DMB (own or peer) by token, or null once it is gone.</summary>
    public Memory<byte>? Bytes(ulong token) => GetDmbMemory(Device, token) is { IsOk: true } m ? m.Value : null;

    /// <summary>Delivers a control event to every subscribed client (dibs handle_event).</summary>
    public int RaiseEvent(DibsEvent ev) => Device.ForwardEvent(ref ev);

    /// <summary>A handle_irq as the device would raise it for the DMB with <paramref name="token"/>.</summary>
    public bool RaiseIrq(ulong token, ushort mask)
    {
        uint idx;
        lock (_owners)
        {
            if (!_owners.TryGetValue(token, out var o)) return false;
            idx = o.Idx;
        }
        return Device.ForwardIrq(idx, mask);
    }

    public ushort GetFabricId(DibsDevice dev) => FabricId;

    public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid)
    {
        var gid = rgid.ToArray();
        var rc = QueryResult?.Invoke(gid) ?? Inner.QueryRemoteGid(InnerDev, rgid, vidValid, vid);
        Record(new RecordedOp("query_remote_gid", Rc: rc) { Rgid = gid });
        return rc;
    }

    public int MaxDmbs() => Inner.MaxDmbs();

    public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client)
    {
        var asked = dmb;
        var rc = RegisterResult?.Invoke(asked) ?? 0;
        if (rc == 0)
            rc = Inner.RegisterDmb(InnerDev, ref dmb, client);
        if (rc == 0)
        {
            lock (_owners) _owners[dmb.DmbTok] = (dmb.Idx, client);
            Device.SetDmbOwner(dmb.Idx, client);
        }
        Record(new RecordedOp("register_dmb", dmb.DmbTok, dmb.Idx, Size: (int)asked.DmbLen, Rc: rc) { Dmb = rc == 0 ? dmb : asked });
        return rc;
    }

    public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        (uint Idx, DibsClient Client) owner;
        bool known;
        lock (_owners) known = _owners.TryGetValue(dmb.DmbTok, out owner);
        var subscribed = known && Device.IsSubscribed(owner.Client);
        var rc = Inner.UnregisterDmb(InnerDev, ref dmb);
        if (rc == 0)
            Released(dmb.DmbTok);
        Record(new RecordedOp("unregister_dmb", dmb.DmbTok, dmb.Idx, Rc: rc) { Dmb = dmb, OwnerSubscribed = subscribed });
        return rc;
    }

    public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data)
    {
        var slot = Begin("move_data");
        var n = Interlocked.Increment(ref _moves) - 1;
        var injected = MoveResult?.Invoke(n) ?? 0;
        var rc = injected < 0 ? injected : Inner.MoveData(InnerDev, dmbTok, idx, false, offset, data);
        Complete(slot, new RecordedOp("move_data", dmbTok, idx, sf, offset, data.Length, rc == 0 ? injected : rc) { Data = data.Length <= 64 ? data.ToArray() : null });
        if (rc != 0)
            return rc;
        if (sf)
        {
            uint target;
            lock (_owners) target = _owners.TryGetValue(dmbTok, out var o) ? o.Idx : uint.MaxValue;
            if (target != uint.MaxValue)
                Device.ForwardIrq(target, Mask?.Invoke(idx) ?? DibsLoopback.DmbeMask(idx));
        }
        return injected;
    }

    public DibsResult<Memory<byte>> GetDmbMemory(DibsDevice dev, ulong token) => ((IDibsDmbMemory)Inner).GetDmbMemory(InnerDev, token);

    /// <summary>After a successful release: when the backend freed the DMB, clear its owner entry.</summary>
    protected void Released(ulong token)
    {
        if (((IDibsDmbMemory)Inner).GetDmbMemory(InnerDev, token).IsOk)
            return;
        lock (_owners)
        {
            if (_owners.Remove(token, out var o))
                Device.ClearDmbOwner(o.Idx);
        }
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        _loopback?.Remove(TimeSpan.Zero);
    }
}

/// <summary>A recording device with every optional op: add/del_vlan_id, signal_event and the mmapped trio.</summary>
public sealed class FullRecordingDevice(string name, SmcdBackend backend, ushort fabricId = 0x0042) : RecordingDevice(name, backend, fabricId),
    IDibsDevOpsAddVlanId<DibsDevice, DibsClient>,
    IDibsDevOpsDelVlanId<DibsDevice, DibsClient>,
    IDibsDevOpsSignalEvent<DibsDevice, DibsClient>,
    IDibsDevOpsMmapped<DibsDevice, DibsClient>
{
    /// <summary>Results of add_vlan_id / del_vlan_id by vlan id (0 by default).</summary>
    public Func<ulong, int>? AddVlanResult { get; set; }
    public Func<ulong, int>? DelVlanResult { get; set; }
    public int SignalResult { get; set; }
    /// <summary>What support_mmapped_rdmb answers (1 by default).</summary>
    public int SupportMmapped { get; set; } = 1;

    public int AddVlanId(DibsDevice dev, ulong vlanId)
    {
        var rc = AddVlanResult?.Invoke(vlanId) ?? 0;
        Record(new RecordedOp("add_vlan_id", Rc: rc) { Vlan = vlanId });
        return rc;
    }

    public int DelVlanId(DibsDevice dev, ulong vlanId)
    {
        var rc = DelVlanResult?.Invoke(vlanId) ?? 0;
        Record(new RecordedOp("del_vlan_id", Rc: rc) { Vlan = vlanId });
        return rc;
    }

    public int SignalEvent(DibsDevice dev, ReadOnlySpan<byte> rgid, uint triggerIrq, uint eventCode, ulong info)
    {
        Record(new RecordedOp("signal_event", Rc: SignalResult) { Rgid = rgid.ToArray(), TriggerIrq = triggerIrq, EventCode = eventCode, Info = info });
        return SignalResult;
    }

    public int SupportMmappedRdmb(DibsDevice dev)
    {
        Record(new RecordedOp("support_mmapped_rdmb", Rc: SupportMmapped));
        return SupportMmapped;
    }

    public int AttachDmb(DibsDevice dev, ref DibsDmb dmb)
    {
        var rc = InnerMmapped.AttachDmb(InnerDev, ref dmb);
        Record(new RecordedOp("attach_dmb", dmb.DmbTok, dmb.Idx, Rc: rc) { Dmb = dmb });
        return rc;
    }

    public int DetachDmb(DibsDevice dev, ulong token)
    {
        var rc = InnerMmapped.DetachDmb(InnerDev, token);
        if (rc == 0)
            Released(token);
        Record(new RecordedOp("detach_dmb", token, Rc: rc));
        return rc;
    }
}
