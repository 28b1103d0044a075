namespace IsmSpec.Dibs.Tests;

/// <summary>dibs_dev_add / dibs_dev_del, sysfs attributes and event forwarding (research §2.4, rules 5–7, 11, 24).</summary>
public class LayerDeviceTests
{
    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerDevAddClientsFirst)]
    public void Adding_a_device_calls_add_dev_then_forwarding_per_client_and_lists_the_device_last()
    {
        var layer = new DibsLayer();
        var log = new CallLog();
        var c0 = new RecordingClient("c0", log);
        var c1 = new RecordingClient("c1", log);
        Assert.True(layer.RegisterClient(c0.Client).IsOk);
        Assert.True(layer.RegisterClient(c1.Client).IsOk);
        var fake = new FakeDevice("d0");
        var seen = new List<string>();
        foreach (var c in new[] { c0, c1 })
        {
            c.OnAddDev = dev => seen.Add(
                $"{c.Name}: listed={layer.Devices.Contains(dev)} self={dev.IsSubscribed(c.Client)} c0={dev.IsSubscribed(c0.Client)}");
        }

        Assert.True(layer.AddDevice(fake.Device).IsOk);

        Assert.Equal(["c0 add_dev d0", "c1 add_dev d0"], log.Entries);
        // c0 is already subscribed when c1's add_dev runs: add_dev and forwarding alternate per client.
        Assert.Equal(["c0: listed=False self=False c0=False", "c1: listed=False self=False c0=True"], seen);
        Assert.Equal([fake.Device], layer.Devices);
        Assert.Same(layer, fake.Device.Layer);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerDevAddClientTable)]
    public void Client_table_has_max_dmbs_entries_of_0xff()
    {
        var layer = new DibsLayer();
        var fake = new FakeDevice("d0", maxDmbs: 37);
        Assert.True(layer.AddDevice(fake.Device).IsOk);
        Assert.Equal(37, fake.Device.ClientTableLength);
        Assert.All(Enumerable.Range(0, 37), i => Assert.Equal(0xff, fake.Device.DmbOwner((uint)i)));
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerDevAddClientTable)]
    public void A_client_table_that_cannot_be_allocated_is_ENOMEM_without_add_dev()
    {
        var layer = new DibsLayer();
        var client = new RecordingClient("c");
        Assert.True(layer.RegisterClient(client.Client).IsOk);
        var fake = new FakeDevice("broken", maxDmbs: -1);

        Assert.Equal(-Errno.ENOMEM, layer.AddDevice(fake.Device).Code);
        Assert.Empty(client.Log.Entries);
        Assert.Empty(layer.Devices);
        Assert.Null(fake.Device.Layer);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerDevDelOrder)]
    public void Removing_a_device_stops_forwarding_before_del_dev_and_unlinks_after()
    {
        var layer = new DibsLayer();
        var log = new CallLog();
        var c0 = new RecordingClient("c0", log);
        var c1 = new RecordingClient("c1", log);
        Assert.True(layer.RegisterClient(c0.Client).IsOk);
        Assert.True(layer.RegisterClient(c1.Client).IsOk);
        var fake = new FakeDevice("d0");
        Assert.True(layer.AddDevice(fake.Device).IsOk);
        var seen = new List<string>();
        foreach (var c in new[] { c0, c1 })
        {
            c.OnDelDev = dev => seen.Add(
                $"{c.Name}: listed={layer.Devices.Contains(dev)} c0={dev.IsSubscribed(c0.Client)} c1={dev.IsSubscribed(c1.Client)}");
        }
        log.Clear();

        Assert.True(layer.DeleteDevice(fake.Device).IsOk);

        Assert.Equal(["c0 del_dev d0", "c1 del_dev d0"], log.Entries);
        Assert.Equal(["c0: listed=True c0=False c1=False", "c1: listed=True c0=False c1=False"], seen);
        Assert.Empty(layer.Devices);
        Assert.Equal(-Errno.EINVAL, layer.DeleteDevice(fake.Device).Code);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerSysfsFormat)]
    public void Sysfs_gid_is_a_uuid_string_and_fabric_id_is_0x_and_four_hex_digits()
    {
        var gid = Enumerable.Range(0, 16).Select(i => (byte)(0xA0 + i)).ToArray();
        var lo = DibsLoopback.Probe(new DibsLayer(), new DibsLoopbackOptions { Gid = gid }).Value;
        Assert.Equal("a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf", lo.Device.GidString);
        Assert.Equal("0xffff", lo.Device.FabricIdString);
        Assert.Equal("0x0123", new FakeDevice("d0").Device.FabricIdString);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsDevEventAllClients)]
    public void Events_reach_every_subscribed_client_not_only_dmb_owners()
    {
        var layer = new DibsLayer();
        var log = new CallLog();
        var fake = new FakeDevice("d0");
        Assert.True(layer.AddDevice(fake.Device).IsOk);
        var clients = Enumerable.Range(0, 3).Select(i => new RecordingClient($"c{i}", log)).ToArray();
        foreach (var c in clients)
            Assert.True(layer.RegisterClient(c.Client).IsOk);
        fake.Register(clients[0].Client);
        Assert.True(layer.UnregisterClient(clients[2].Client).IsOk);
        log.Clear();

        var ev = new DibsEvent { Type = DibsEventType.SwEvent, Subtype = 0x83, BufferTok = 7 };
        Assert.Equal(2, fake.Device.ForwardEvent(ref ev));

        Assert.Equal(["c0 handle_event d0", "c1 handle_event d0"], log.Entries);
        Assert.Equal(0x83u, clients[1].Events.Single().Subtype);
        Assert.Empty(clients[2].Events);
    }
}
