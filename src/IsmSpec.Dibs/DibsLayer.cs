using IsmSpec.Dibs.Loopback;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.Dibs;

/// <summary>
/// The DIBS layer of drivers/dibs/dibs_main.c: the client registry (8 slots), the device list, and the
/// add_dev/del_dev choreography between them (research §2.4, rules 1–10). One lock stands for both the
/// kernel's dibs_dev_list.mutex and clients_lock. Callbacks run on the calling thread, in the kernel's order.
/// </summary>
public sealed class DibsLayer
{
    private readonly object _mutex = new();
    private readonly DibsClient?[] _clients = new DibsClient?[DibsSpec.MaxDibsClients];
    /// <summary>Newest first: dibs_dev_add head-inserts with list_add.</summary>
    private readonly List<DibsDevice> _devices = [];
    private int _maxClient;

    /// <summary>
    /// Module init (dibs_init): a layer, plus the single loopback device when
    /// <paramref name="configDibsLo"/> stands for CONFIG_DIBS_LO=y (rule 41).
    /// </summary>
    public static DibsLayer Load(bool configDibsLo = true)
    {
        var layer = new DibsLayer();
        if (configDibsLo)
            _ = DibsLoopback.Probe(layer).Value;
        return layer;
    }

    /// <summary>Module exit: remove the loopback device, waiting at most <paramref name="timeout"/> for its DMBs to be freed.</summary>
    public DibsResult Unload(TimeSpan timeout) => Loopback is { } lo ? lo.Remove(timeout) : DibsResult.Ok;

    private DibsLoopback? _loopback;

    /// <summary>The loopback device of this layer, while it exists (at most one, rule 41).</summary>
    public DibsLoopback? Loopback => Volatile.Read(ref _loopback);

    internal bool TryClaimLoopback(DibsLoopback lo) => Interlocked.CompareExchange(ref _loopback, lo, null) is null;

    internal void ReleaseLoopback(DibsLoopback lo) => Interlocked.CompareExchange(ref _loopback, null, lo);

    /// <summary>Registered devices, newest first.</summary>
    public IReadOnlyList<DibsDevice> Devices
    {
        get { lock (_mutex) return _devices.ToArray(); }
    }

    /// <summary>The 8 client slots; null where free.</summary>
    public IReadOnlyList<DibsClient?> Clients
    {
        get { lock (_mutex) return (DibsClient?[])_clients.Clone(); }
    }

    public bool IsRegistered(DibsClient client)
    {
        lock (_mutex)
            return IsRegisteredLocked(client);
    }

    /// <summary>
    /// dibs_register_client: take the lowest free slot (rule 2), then for every present device (newest
    /// first) reset the client's priv, call add_dev, and only then enable forwarding (rules 3, 4).
    /// -ENOSPC with all 8 slots taken, without any add_dev call (rule 1); -EINVAL if already registered
    /// (DIBS-LAYER-CLIENT-STATE-EINVAL).
    /// </summary>
    public DibsResult RegisterClient(DibsClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (_mutex)
        {
            if (IsRegisteredLocked(client))
                return DibsResult.Fail(Errno.EINVAL);
            var slot = Array.IndexOf(_clients, null);
            if (slot < 0)
                return DibsResult.Fail(Errno.ENOSPC);
            _clients[slot] = client;
            client.Id = (byte)slot;
            if (slot == _maxClient)
                _maxClient++;
            foreach (var dev in _devices)
            {
                dev.ResetPriv(slot);
                client.Ops.AddDev(dev);
                dev.SetupForwarding(client);
            }
            return DibsResult.Ok;
        }
    }

    /// <summary>
    /// dibs_unregister_client with the partial-unregister quirk fixed (DIBS-LAYER-UNREG-ATOMIC, replacing
    /// rule 10): every device's table is checked, with all device locks held, before any forwarding slot is
    /// cleared; -EBUSY if any still maps a DMB index to the client (rule 8). Otherwise, per device in list
    /// order: forwarding slot cleared, del_dev, priv reset (rule 9); then the slot is freed.
    /// </summary>
    public DibsResult UnregisterClient(DibsClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (_mutex)
        {
            if (!IsRegisteredLocked(client))
                return DibsResult.Fail(Errno.EINVAL);
            int slot = client.Id;
            var locked = 0;
            try
            {
                for (; locked < _devices.Count; locked++)
                    Monitor.Enter(_devices[locked].Lock);
                foreach (var dev in _devices)
                {
                    if (dev.OwnsAnyDmbLocked(slot))
                        return DibsResult.Fail(Errno.EBUSY);
                }
                foreach (var dev in _devices)
                    dev.StopForwardingLocked(slot);
            }
            finally
            {
                for (var i = locked - 1; i >= 0; i--)
                    Monitor.Exit(_devices[i].Lock);
            }
            foreach (var dev in _devices)
            {
                client.Ops.DelDev(dev);
                dev.ResetPriv(slot);
            }
            _clients[slot] = null;
            // The kernel lowers the high-water mark only when the top slot leaves.
            if (slot + 1 == _maxClient)
                _maxClient--;
            return DibsResult.Ok;
        }
    }

    /// <summary>
    /// dibs_dev_add: allocate the max_dmbs()-entry client table filled with 0xff (-ENOMEM on failure,
    /// rule 6), then add_dev + forwarding for every registered client in slot order, and link the device
    /// into the list last (rule 5). -EINVAL if the device is already added to a layer.
    /// </summary>
    public DibsResult AddDevice(DibsDevice dev)
    {
        ArgumentNullException.ThrowIfNull(dev);
        lock (_mutex)
        {
            if (dev.Layer is not null)
                return DibsResult.Fail(Errno.EINVAL);
            if (!dev.AllocateClientTable(dev.Ops.MaxDmbs()))
                return DibsResult.Fail(Errno.ENOMEM);
            for (var i = 0; i < _maxClient; i++)
            {
                if (_clients[i] is not { } client)
                    continue;
                client.Ops.AddDev(dev);
                dev.SetupForwarding(client);
            }
            _devices.Insert(0, dev);
            dev.Layer = this;
            return DibsResult.Ok;
        }
    }

    /// <summary>
    /// dibs_dev_del: stop all forwarding first, then del_dev for every registered client, then unlink
    /// (rule 7). -EINVAL if the device is not in this layer. The client table is kept (the kernel frees it),
    /// so a driver's late owner update cannot touch freed memory.
    /// </summary>
    public DibsResult DeleteDevice(DibsDevice dev)
    {
        ArgumentNullException.ThrowIfNull(dev);
        lock (_mutex)
        {
            if (!ReferenceEquals(dev.Layer, this))
                return DibsResult.Fail(Errno.EINVAL);
            dev.StopAllForwarding();
            for (var i = 0; i < _maxClient; i++)
                _clients[i]?.Ops.DelDev(dev);
            _devices.Remove(dev);
            dev.Layer = null;
            return DibsResult.Ok;
        }
    }

    private bool IsRegisteredLocked(DibsClient client) =>
        client.Id < DibsSpec.MaxDibsClients && ReferenceEquals(_clients[client.Id], client);
}
