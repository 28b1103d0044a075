namespace IsmSpec.Dibs.Tests;

/// <summary>dibs_register_client (research §2.4, rules 1–4) and the layer's guards on client state.</summary>
public class LayerClientRegistryTests
{
    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerMaxClients)]
    public void Ninth_client_gets_ENOSPC_and_no_add_dev()
    {
        var layer = new DibsLayer();
        var log = new CallLog();
        Assert.True(layer.AddDevice(new FakeDevice("d0").Device).IsOk);
        for (var i = 0; i < DibsSpec.MaxDibsClients; i++)
            Assert.Equal(DibsResult.Ok, layer.RegisterClient(new RecordingClient($"c{i}", log).Client));
        log.Clear();

        var ninth = new RecordingClient("c8", log);
        Assert.Equal(-Errno.ENOSPC, layer.RegisterClient(ninth.Client).Code);
        Assert.Empty(log.Entries);
        Assert.False(layer.IsRegistered(ninth.Client));
        Assert.DoesNotContain(ninth.Client, layer.Clients);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerLowestClientId)]
    public void Ids_are_the_lowest_free_slots_and_are_reused()
    {
        var layer = new DibsLayer();
        var clients = Enumerable.Range(0, 5).Select(i => new RecordingClient($"c{i}").Client).ToArray();
        foreach (var c in clients)
            Assert.True(layer.RegisterClient(c).IsOk);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, clients.Select(c => c.Id));

        Assert.True(layer.UnregisterClient(clients[3]).IsOk);
        Assert.True(layer.UnregisterClient(clients[1]).IsOk);
        var a = new RecordingClient("a").Client;
        var b = new RecordingClient("b").Client;
        var c5 = new RecordingClient("c").Client;
        Assert.True(layer.RegisterClient(a).IsOk);
        Assert.True(layer.RegisterClient(b).IsOk);
        Assert.True(layer.RegisterClient(c5).IsOk);
        Assert.Equal((1, 3, 5), (a.Id, b.Id, c5.Id));
        Assert.Same(b, layer.Clients[3]);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerRegAddDevThenForward)]
    public void Registration_calls_add_dev_once_per_device_newest_first_before_forwarding()
    {
        var layer = new DibsLayer();
        var d0 = new FakeDevice("d0");
        var d1 = new FakeDevice("d1");
        Assert.True(layer.AddDevice(d0.Device).IsOk);
        Assert.True(layer.AddDevice(d1.Device).IsOk);
        var client = new RecordingClient("c");
        var subscribedDuringAddDev = new List<bool>();
        client.OnAddDev = dev => subscribedDuringAddDev.Add(dev.IsSubscribed(client.Client));

        Assert.True(layer.RegisterClient(client.Client).IsOk);

        Assert.Equal(["c add_dev d1", "c add_dev d0"], client.Log.Entries);
        Assert.Equal([false, false], subscribedDuringAddDev);
        Assert.True(d0.Device.IsSubscribed(client.Client));
        Assert.True(d1.Device.IsSubscribed(client.Client));
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerRegPrivReset)]
    public void Priv_slot_is_null_when_add_dev_runs_even_if_a_stale_value_was_left()
    {
        var layer = new DibsLayer();
        var fake = new FakeDevice("d0");
        Assert.True(layer.AddDevice(fake.Device).IsOk);
        var old = new RecordingClient("old");
        Assert.True(layer.RegisterClient(old.Client).IsOk);
        Assert.True(layer.UnregisterClient(old.Client).IsOk);
        // As in the kernel the departed client keeps its id, so it can still scribble into slot 0.
        fake.Device.SetPriv(old.Client, "stale");

        var fresh = new RecordingClient("fresh");
        object? seen = "not called";
        fresh.OnAddDev = dev => seen = dev.GetPriv(fresh.Client);
        Assert.True(layer.RegisterClient(fresh.Client).IsOk);

        Assert.Equal(0, fresh.Client.Id);
        Assert.Null(seen);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerClientStateEinval)]
    public void Double_registration_and_unknown_unregistration_are_EINVAL_and_change_nothing()
    {
        var layer = new DibsLayer();
        Assert.True(layer.AddDevice(new FakeDevice("d0").Device).IsOk);
        var client = new RecordingClient("c");
        var stranger = new RecordingClient("s", client.Log);
        Assert.True(layer.RegisterClient(client.Client).IsOk);
        client.Log.Clear();

        Assert.Equal(-Errno.EINVAL, layer.RegisterClient(client.Client).Code);
        Assert.Equal(-Errno.EINVAL, layer.UnregisterClient(stranger.Client).Code);
        Assert.Empty(client.Log.Entries);
        Assert.Equal([client.Client, null, null, null, null, null, null, null], layer.Clients);
    }
}
