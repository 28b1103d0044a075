using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using Ids = IsmSpec.Specs.Dibs.DibsSpec.Ids;

namespace IsmSpec.Conformance.Dibs;

/// <summary>
/// The DIBS layer (DIBS-LAYER-*, research §2.4 and §5 rules 1–11, plus IsmSpec's decisions on rule 10 and on
/// client state): the reference <see cref="DibsLayer"/> with the adapter's device in it, observed through client
/// callbacks. Where a rule involves DMBs or signals, the device under test provides them.
/// </summary>
public sealed class DibsLayerSuite(IDibsDeviceAdapter adapter) : DibsSuite(adapter)
{
    public override string Name => $"dibs layer ({Adapter.Name})";

    protected override bool InGroup(Requirement r) => r.Role == RequirementRole.Layer;

    private static int AddDevCalls(DibsSession s, DibsRecordingClient c) => s.Log.Count(e => e.StartsWith($"{c.Name} add_dev ", StringComparison.Ordinal));

    /// <summary>Rule 1: eight clients at most; the next gets -ENOSPC and no add_dev.</summary>
    [Checks(Ids.DibsLayerMaxClients)]
    public Property AtMostEightClients() => ForAll(Ints(1, 12), n =>
    {
        using var s = Open(withOwner: false);
        for (var i = 0; i < n; i++)
        {
            var c = new DibsRecordingClient($"c{i}", s.Log);
            var rc = s.Layer.RegisterClient(c.Client);
            DibsAssert.Equal(i < DibsSpec.MaxDibsClients ? 0 : -Errno.ENOSPC, rc.Code, $"dibs_register_client of client {i + 1}");
            DibsAssert.Equal(i < DibsSpec.MaxDibsClients ? s.Layer.Devices.Count : 0, AddDevCalls(s, c), $"add_dev calls for client {i + 1}");
        }
    });

    /// <summary>Rule 2: a new client gets the smallest free slot, so departed clients' ids come back.</summary>
    [Checks(Ids.DibsLayerLowestClientId)]
    public Property LowestFreeClientId() => ForAll(Gen.ListOf(Gen.Zip(Gen.Choose(0, 2), Gen.Choose(0, 7))).ToArbitrary(), steps =>
    {
        using var s = Open(withOwner: false);
        var slots = new DibsClient?[DibsSpec.MaxDibsClients];
        var n = 0;
        foreach (var (kind, pick) in steps)
        {
            if (kind > 0 && Array.IndexOf(slots, null) is var free and >= 0)
            {
                var c = new DibsRecordingClient($"c{n++}", s.Log).Client;
                DibsAssert.That(s.Layer.RegisterClient(c).IsOk, "dibs_register_client");
                DibsAssert.Equal((byte)free, c.Id, "id of the new client (lowest free slot)");
                slots[free] = c;
            }
            else if (slots[pick] is { } gone)
            {
                DibsAssert.That(s.Layer.UnregisterClient(gone).IsOk, "dibs_unregister_client");
                slots[pick] = null;
            }
        }
    });

    /// <summary>Rule 3: add_dev once per present device (newest first), forwarding only afterwards — then the client's DMB signals reach it.</summary>
    [Checks(Ids.DibsLayerRegAddDevThenForward)]
    public Property RegistrationCallsAddDevBeforeForwarding() => ForAll(Ints(0, 3), spares =>
    {
        using var s = Open(withOwner: false);
        for (var i = 0; i < spares; i++)
            DibsAssert.That(s.Layer.AddDevice(new SpareDibsDevice($"spare{i}").Device).IsOk, "dibs_dev_add of a spare device");
        var seen = new List<(DibsDevice Dev, bool Subscribed)>();
        var c = new DibsRecordingClient("c", s.Log);
        c.OnAddDev = dev => seen.Add((dev, dev.IsSubscribed(c.Client)));
        DibsAssert.That(s.Layer.RegisterClient(c.Client).IsOk, "dibs_register_client");
        DibsAssert.That(seen.Select(x => x.Dev).SequenceEqual(s.Layer.Devices), "add_dev was not called once per device in list order");
        DibsAssert.That(seen.All(x => !x.Subscribed), "forwarding was enabled before add_dev ran");
        var dmb = s.MustRegister(16, c.Client);
        DibsAssert.Ok(s.Move(dmb.DmbTok, 0, true, 0, [1]), "signalled move_data");
        DibsAssert.That(s.WaitIrqs(c, 1), "a registered client's DMB signal did not reach it (forwarding not enabled)");
    });

    /// <summary>Rule 4: the client's priv slot is NULL when its add_dev runs, whatever a departed client left there.</summary>
    [Checks(Ids.DibsLayerRegPrivReset)]
    public Property PrivIsResetBeforeAddDev() => ForAll(Ints(1, 4), rounds =>
    {
        using var s = Open(withOwner: false);
        for (var r = 0; r < rounds; r++)
        {
            var c = new DibsRecordingClient($"c{r}", s.Log);
            object? seen = "add_dev not called";
            c.OnAddDev = dev => seen = dev.GetPriv(c.Client);
            DibsAssert.That(s.Layer.RegisterClient(c.Client).IsOk, "dibs_register_client");
            DibsAssert.Equal<object?>(null, seen, $"priv slot during add_dev of client {r}");
            DibsAssert.That(s.Layer.UnregisterClient(c.Client).IsOk, "dibs_unregister_client");
            s.Dev.SetPriv(c.Client, $"stale {r}"); // a departed client keeps its id and scribbles into its old slot
        }
    });

    /// <summary>Rule 5: adding a device runs add_dev then forwarding per client, and lists the device last.</summary>
    [Checks(Ids.DibsLayerDevAddClientsFirst)]
    public Property AddingADeviceServesClientsFirst() => ForAll(Ints(1, 8), n =>
    {
        using var s = Open(withOwner: false);
        var clients = Enumerable.Range(0, n).Select(i => new DibsRecordingClient($"c{i}", s.Log)).ToList();
        var seen = new List<string>();
        foreach (var c in clients)
        {
            DibsAssert.That(s.Layer.RegisterClient(c.Client).IsOk, "dibs_register_client");
            c.OnAddDev = dev => seen.Add($"{c.Name} listed={s.Layer.Devices.Contains(dev)} self={dev.IsSubscribed(c.Client)} before={clients.TakeWhile(x => x != c).All(x => dev.IsSubscribed(x.Client))}");
        }
        DibsAssert.That(s.Layer.DeleteDevice(s.Dev).IsOk && s.Layer.AddDevice(s.Dev).IsOk, "the device could not be removed and added again");
        var expected = clients.Select(c => $"{c.Name} listed=False self=False before=True");
        DibsAssert.That(seen.SequenceEqual(expected), $"add_dev sequence: {string.Join("; ", seen)}");
        DibsAssert.That(s.Layer.Devices.Contains(s.Dev) && clients.All(c => s.Dev.IsSubscribed(c.Client)), "the device is not listed with forwarding to every client");
    });

    /// <summary>Rule 6: a max_dmbs()-entry table of 0xff; a table that cannot be allocated is -ENOMEM with no add_dev.</summary>
    [Checks(Ids.DibsLayerDevAddClientTable)]
    public Property ClientTableIsMaxDmbsOf0xff() => ForAll(Ints(0, 8), n =>
    {
        using var s = Open(withOwner: false);
        DibsAssert.Equal(s.Ops.MaxDmbs(), s.Dev.ClientTableLength, "client table entries");
        DibsAssert.That(Enumerable.Range(0, s.Dev.ClientTableLength).All(i => s.Dev.DmbOwner((uint)i) == DibsSpec.NoDibsClient), "a fresh client table entry is not 0xff");
        for (var i = 0; i < n; i++)
            s.AddClient($"c{i}");
        var broken = new SpareDibsDevice("broken", maxDmbs: -1).Device;
        var calls = s.Log.Count;
        DibsAssert.Equal(-Errno.ENOMEM, s.Layer.AddDevice(broken).Code, "dibs_dev_add when the table cannot be allocated");
        DibsAssert.That(s.Log.Count == calls && !s.Layer.Devices.Contains(broken), "a refused device saw add_dev or was listed");
    });

    /// <summary>Rule 7: removing a device stops all forwarding, then calls del_dev per client, then unlinks it.</summary>
    [Checks(Ids.DibsLayerDevDelOrder)]
    public Property RemovingADeviceStopsForwardingFirst() => ForAll(Ints(1, 8), n =>
    {
        using var s = Open(withOwner: false);
        var clients = Enumerable.Range(0, n).Select(i => s.AddClient($"c{i}")).ToList();
        var dmb = s.MustRegister(16, clients[0].Client);
        var seen = new List<string>();
        foreach (var c in clients)
            c.OnDelDev = dev =>
            {
                s.Move(dmb.DmbTok, 0, true, 0, [1]); // a signal now must be dropped
                seen.Add($"{c.Name} listed={s.Layer.Devices.Contains(dev)} any={clients.Any(x => dev.IsSubscribed(x.Client))}");
            };
        DibsAssert.That(s.Layer.DeleteDevice(s.Dev).IsOk, "dibs_dev_del");
        s.Settle();
        DibsAssert.That(seen.SequenceEqual(clients.Select(c => $"{c.Name} listed=True any=False")), $"del_dev sequence: {string.Join("; ", seen)}");
        DibsAssert.That(!s.Layer.Devices.Contains(s.Dev), "the device is still listed");
        DibsAssert.Equal(0, clients[0].Irqs.Count, "signals delivered during del_dev");
    });

    /// <summary>Rule 8: -EBUSY while the device records a DMB index as the client's; another client's DMBs do not count.</summary>
    [Checks(Ids.DibsLayerUnregBusy)]
    public Property UnregisterIsBusyWhileOwningDmbs() => ForAll(Arb.Zip(Ints(1, 4), Ints(0, 3)), c =>
    {
        using var s = Open();
        var other = s.AddClient("other");
        for (var i = 0; i < c.Item2; i++)
            s.MustRegister(8, other.Client);
        var mine = Enumerable.Range(0, c.Item1).Select(_ => s.MustRegister(8)).ToList();
        foreach (var dmb in mine)
        {
            DibsAssert.Equal(-Errno.EBUSY, s.Layer.UnregisterClient(s.Owner.Client).Code, "dibs_unregister_client while owning a DMB");
            DibsAssert.That(s.Layer.IsRegistered(s.Owner.Client) && s.Dev.IsSubscribed(s.Owner.Client), "an -EBUSY unregistration changed the client's state");
            DibsAssert.Ok(s.Unregister(dmb), "unregister_dmb");
        }
        DibsAssert.That(s.Layer.UnregisterClient(s.Owner.Client).IsOk, "dibs_unregister_client after the last DMB was unregistered");
    });

    /// <summary>Rule 9: on success each device has the forwarding slot cleared before del_dev and the priv slot reset after it.</summary>
    [Checks(Ids.DibsLayerUnregOrder)]
    public Property UnregisterClearsForwardingThenPriv() => ForAll(Ints(0, 3), spares =>
    {
        using var s = Open(withOwner: false);
        for (var i = 0; i < spares; i++)
            DibsAssert.That(s.Layer.AddDevice(new SpareDibsDevice($"spare{i}").Device).IsOk, "dibs_dev_add of a spare device");
        var c = new DibsRecordingClient("c", s.Log);
        c.OnAddDev = dev => dev.SetPriv(c.Client, dev.Name);
        var seen = new List<string>();
        c.OnDelDev = dev => seen.Add($"{dev.Name} subscribed={dev.IsSubscribed(c.Client)} priv={dev.GetPriv(c.Client)}");
        DibsAssert.That(s.Layer.RegisterClient(c.Client).IsOk, "dibs_register_client");
        var devices = s.Layer.Devices;
        DibsAssert.That(s.Layer.UnregisterClient(c.Client).IsOk, "dibs_unregister_client");
        DibsAssert.That(seen.SequenceEqual(devices.Select(d => $"{d.Name} subscribed=False priv={d.Name}")), $"del_dev sequence: {string.Join("; ", seen)}");
        DibsAssert.That(devices.All(d => d.GetPriv(c.Client) is null), "a priv slot was not reset after del_dev");
    });

    /// <summary>Rule 11: sysfs gid is the GID as a UUID string, fabric_id is 0x and four hex digits.</summary>
    [Checks(Ids.DibsLayerSysfsFormat)]
    public void SysfsAttributesAreFormatted()
    {
        using var s = Open();
        var hex = Convert.ToHexStringLower(s.Dev.Gid);
        DibsAssert.Equal($"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}", s.Dev.GidString, "sysfs gid");
        DibsAssert.Equal($"0x{s.Ops.GetFabricId(s.Dev):x4}", s.Dev.FabricIdString, "sysfs fabric_id");
    }

    /// <summary>Decision on rule 10: an -EBUSY found on a later device leaves every device untouched (no del_dev, forwarding, priv).</summary>
    [Checks(Ids.DibsLayerUnregAtomic)]
    public Property BusyUnregistrationIsAtomic() => ForAll(Ints(1, 3), spares =>
    {
        using var s = Open(withOwner: false);
        for (var i = 0; i < spares; i++) // newer devices come first in list order, the busy device under test last
            DibsAssert.That(s.Layer.AddDevice(new SpareDibsDevice($"spare{i}").Device).IsOk, "dibs_dev_add of a spare device");
        var c = new DibsRecordingClient("c", s.Log);
        c.OnAddDev = dev => dev.SetPriv(c.Client, dev.Name);
        DibsAssert.That(s.Layer.RegisterClient(c.Client).IsOk, "dibs_register_client");
        s.MustRegister(8, c.Client);
        DibsAssert.Equal(-Errno.EBUSY, s.Layer.UnregisterClient(c.Client).Code, "dibs_unregister_client while owning a DMB");
        DibsAssert.That(!s.Log.Any(e => e.Contains("del_dev", StringComparison.Ordinal)), "a device saw del_dev although unregistration failed");
        DibsAssert.That(s.Layer.Devices.All(d => d.IsSubscribed(c.Client) && Equals(d.GetPriv(c.Client), d.Name)), "a device lost forwarding or priv although unregistration failed");
    });

    /// <summary>Decision: registering a registered client or unregistering an unknown one is -EINVAL and changes nothing.</summary>
    [Checks(Ids.DibsLayerClientStateEinval)]
    public Property ClientStateErrorsAreEinval() => ForAll(Ints(0, 7), n =>
    {
        using var s = Open();
        for (var i = 0; i < n; i++)
            s.AddClient($"c{i}");
        var before = s.Layer.Clients.ToArray();
        var calls = s.Log.Count;
        DibsAssert.Equal(-Errno.EINVAL, s.Layer.RegisterClient(s.Owner.Client).Code, "dibs_register_client of a registered client");
        DibsAssert.Equal(-Errno.EINVAL, s.Layer.UnregisterClient(new DibsRecordingClient("stranger").Client).Code, "dibs_unregister_client of an unknown client");
        DibsAssert.That(s.Layer.Clients.SequenceEqual(before) && s.Log.Count == calls, "a refused call changed the client table or called back");
    });
}
