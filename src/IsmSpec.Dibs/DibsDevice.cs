using IsmSpec.Specs.Dibs;

namespace IsmSpec.Dibs;

/// <summary>
/// struct dibs_dev (research §2.3): the layer's view of one device — GID, operations, per-client priv
/// slots, and, guarded by the device lock, the DMB-index→client table and the forwarding slots (subs).
/// Device drivers record DMB owners and raise IRQs/events through the methods here, as the kernel drivers
/// touch dmb_clientid_arr and subs[] under dibs->lock.
/// </summary>
public sealed class DibsDevice
{
    private readonly byte[] _gid;
    private readonly object?[] _priv = new object?[DibsSpec.MaxDibsClients];
    private readonly DibsClient?[] _subs = new DibsClient?[DibsSpec.MaxDibsClients];
    private byte[] _clientIds = [];

    public DibsDevice(string name, ReadOnlySpan<byte> gid, IDibsDevOps<DibsDevice, DibsClient> ops)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(ops);
        if (gid.Length != DibsSpec.DibsGidLen)
            throw new ArgumentException($"a DIBS GID is {DibsSpec.DibsGidLen} bytes", nameof(gid));
        Name = name;
        _gid = gid.ToArray();
        Ops = ops;
    }

    public string Name { get; }
    public ReadOnlySpan<byte> Gid => _gid;
    public IDibsDevOps<DibsDevice, DibsClient> Ops { get; }

    /// <summary>dibs->lock: guards the DMB-index→client table and the forwarding slots.</summary>
    internal object Lock { get; } = new();

    /// <summary>The layer this device was added to, while it is added.</summary>
    public DibsLayer? Layer { get; internal set; }

    /// <summary>The optional mmapped trio (rule 15), or null when the device does not offer it.</summary>
    public IDibsDevOpsMmapped<DibsDevice, DibsClient>? Mmapped => Ops as IDibsDevOpsMmapped<DibsDevice, DibsClient>;

    public ushort FabricId => Ops.GetFabricId(this);

    /// <summary>sysfs <c>gid</c> (dibs_main.c gid_show, %pUb): the 16 bytes in order as a lower-case UUID string (rule 11).</summary>
    public string GidString => new Guid(_gid, bigEndian: true).ToString("D");

    /// <summary>sysfs <c>fabric_id</c> (dibs_main.c fabric_id_show, "0x%04x") (rule 11).</summary>
    public string FabricIdString => $"0x{FabricId:x4}";

    /// <summary>dibs_get_priv: the client's private pointer for this device (client use only).</summary>
    public object? GetPriv(DibsClient client) => _priv[SlotOf(client)];

    /// <summary>dibs_set_priv.</summary>
    public void SetPriv(DibsClient client, object? priv) => _priv[SlotOf(client)] = priv;

    internal void ResetPriv(int slot) => _priv[slot] = null;

    /// <summary>Number of entries of the DMB-index→client table (max_dmbs() once added, 0 before).</summary>
    public int ClientTableLength
    {
        get { lock (Lock) return _clientIds.Length; }
    }

    /// <summary>Owner client id of DMB index <paramref name="idx"/>, or 0xff (NO_DIBS_CLIENT).</summary>
    public byte DmbOwner(uint idx)
    {
        lock (Lock)
            return idx < (uint)_clientIds.Length ? _clientIds[idx] : (byte)DibsSpec.NoDibsClient;
    }

    /// <summary>Driver side of register_dmb: record <paramref name="client"/> as owner of <paramref name="idx"/> (rule 17).</summary>
    public void SetDmbOwner(uint idx, DibsClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (Lock)
        {
            if (idx < (uint)_clientIds.Length)
                _clientIds[idx] = client.Id;
        }
    }

    /// <summary>Driver side of freeing a DMB: reset the owner entry of <paramref name="idx"/> to 0xff.</summary>
    public void ClearDmbOwner(uint idx)
    {
        lock (Lock)
        {
            if (idx < (uint)_clientIds.Length)
                _clientIds[idx] = DibsSpec.NoDibsClient;
        }
    }

    /// <summary>Whether IRQs and events are currently forwarded to <paramref name="client"/> on this device.</summary>
    public bool IsSubscribed(DibsClient client)
    {
        lock (Lock)
            return client.Id < DibsSpec.MaxDibsClients && ReferenceEquals(_subs[client.Id], client);
    }

    /// <summary>
    /// Signal DMB <paramref name="dmbIdx"/>: under the device lock, look up its owner and call the owner's
    /// handle_irq if it is subscribed; drop the signal silently otherwise (rules 20, 21;
    /// dibs_loopback.c dibs_lo_move_data, ism_drv.c ism_handle_irq). Returns whether a client was called.
    /// </summary>
    public bool ForwardIrq(uint dmbIdx, ushort dmbemask) => ForwardIrq(dmbIdx, dmbIdx, dmbemask);

    /// <summary>
    /// As <see cref="ForwardIrq(uint, ushort)"/> for a driver whose owner table is not indexed by the DMB index:
    /// the owner is looked up at <paramref name="tableSlot"/> and handle_irq is told <paramref name="dmbIdx"/>
    /// (ism_drv.c keeps the owner at idx − 32 and reports idx, research §4.8 and rule 54).
    /// </summary>
    public bool ForwardIrq(uint tableSlot, uint dmbIdx, ushort dmbemask)
    {
        lock (Lock)
        {
            if (tableSlot >= (uint)_clientIds.Length)
                return false;
            var owner = _clientIds[tableSlot];
            if (owner >= DibsSpec.MaxDibsClients || _subs[owner] is not { } client)
                return false;
            client.Ops.HandleIrq(this, dmbIdx, dmbemask);
            return true;
        }
    }

    /// <summary>Deliver a control event to every subscribed client (rule 24; ism_drv.c ism_handle_event). Returns the number called.</summary>
    public int ForwardEvent(ref DibsEvent ev)
    {
        var called = 0;
        lock (Lock)
        {
            foreach (var client in _subs)
            {
                if (client is null)
                    continue;
                client.Ops.HandleEvent(this, ref ev);
                called++;
            }
        }
        return called;
    }

    // ---- layer side (dibs_main.c); callers hold the layer's mutex ----

    /// <summary>dibs_dev_add: the max_dmbs()-entry table filled with 0xff (rule 6). False when the allocation fails.</summary>
    internal bool AllocateClientTable(int maxDmbs)
    {
        // kmalloc(max_dmbs) with a negative int becomes a huge size_t and fails: -ENOMEM.
        if (maxDmbs < 0 || maxDmbs > Array.MaxLength)
            return false;
        byte[] table;
        try
        {
            table = new byte[maxDmbs];
        }
        catch (OutOfMemoryException)
        {
            return false;
        }
        Array.Fill(table, (byte)DibsSpec.NoDibsClient);
        lock (Lock)
            _clientIds = table;
        return true;
    }

    /// <summary>dibs_setup_forwarding: subs[id] = client under the lock.</summary>
    internal void SetupForwarding(DibsClient client)
    {
        lock (Lock)
            _subs[client.Id] = client;
    }

    /// <summary>Stop forwarding to one client (caller holds <see cref="Lock"/>).</summary>
    internal void StopForwardingLocked(int slot) => _subs[slot] = null;

    /// <summary>Whether any DMB index is recorded as owned by client <paramref name="slot"/> (caller holds <see cref="Lock"/>).</summary>
    internal bool OwnsAnyDmbLocked(int slot) => Array.IndexOf(_clientIds, (byte)slot) >= 0;

    /// <summary>dibs_dev_del: clear every forwarding slot under the lock.</summary>
    internal void StopAllForwarding()
    {
        lock (Lock)
            Array.Clear(_subs);
    }

    private static int SlotOf(DibsClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.Id >= DibsSpec.MaxDibsClients)
            throw new InvalidOperationException($"client {client.Name} has never been registered");
        return client.Id;
    }

    public override string ToString() => $"{Name} ({GidString})";
}
