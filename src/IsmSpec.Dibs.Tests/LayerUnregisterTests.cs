namespace IsmSpec.Dibs.Tests;

/// <summary>dibs_unregister_client (research §2.4, rules 8, 9, 67; rule 10 is in QuirkDecisionTests).</summary>
public class LayerUnregisterTests
{
    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLayerUnregBusy)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientUnregDmbsFirst)]
    public void Unregistering_while_owning_a_dmb_is_EBUSY_until_the_dmb_is_unregistered()
    {
        var bed = new LoopbackBed();
        var dmb = bed.Register();

        Assert.Equal(-Errno.EBUSY, bed.Layer.UnregisterClient(bed.Owner.Client).Code);
        Assert.True(bed.Layer.IsRegistered(bed.Owner.Client));
        Assert.True(bed.Dev.IsSubscribed(bed.Owner.Client));
        Assert.DoesNotContain(bed.Log.Entries, e => e.Contains("del_dev"));

        Assert.Equal(0, bed.Unregister(dmb));
        Assert.Equal(DibsResult.Ok, bed.Layer.UnregisterClient(bed.Owner.Client));
        Assert.False(bed.Layer.IsRegistered(bed.Owner.Client));
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerUnregBusy)]
    public void Another_clients_dmbs_do_not_block_unregistration()
    {
        var bed = new LoopbackBed();
        var other = new RecordingClient("other", bed.Log);
        Assert.True(bed.Layer.RegisterClient(other.Client).IsOk);
        bed.Register(client: bed.Owner.Client);

        Assert.True(bed.Layer.UnregisterClient(other.Client).IsOk);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerUnregOrder)]
    public void Forwarding_is_cleared_before_del_dev_and_priv_reset_after_it_on_every_device()
    {
        var layer = new DibsLayer();
        var d0 = new FakeDevice("d0");
        var d1 = new FakeDevice("d1");
        Assert.True(layer.AddDevice(d0.Device).IsOk);
        Assert.True(layer.AddDevice(d1.Device).IsOk);
        var client = new RecordingClient("c");
        client.OnAddDev = dev => dev.SetPriv(client.Client, $"state of {dev.Name}");
        var seen = new List<string>();
        client.OnDelDev = dev => seen.Add($"{dev.Name}: subscribed={dev.IsSubscribed(client.Client)} priv={dev.GetPriv(client.Client)}");
        Assert.True(layer.RegisterClient(client.Client).IsOk);

        Assert.True(layer.UnregisterClient(client.Client).IsOk);

        Assert.Equal(["d1: subscribed=False priv=state of d1", "d0: subscribed=False priv=state of d0"], seen);
        Assert.Null(d0.Device.GetPriv(client.Client));
        Assert.Null(d1.Device.GetPriv(client.Client));
        Assert.Null(layer.Clients[0]);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLayerUnregOrder)]
    public void After_unregistration_signals_for_the_former_client_are_dropped()
    {
        var layer = new DibsLayer();
        var fake = new FakeDevice("d0");
        Assert.True(layer.AddDevice(fake.Device).IsOk);
        var client = new RecordingClient("c");
        Assert.True(layer.RegisterClient(client.Client).IsOk);
        var dmb = fake.Register(client.Client);
        Assert.True(fake.Device.ForwardIrq(dmb.Idx, 1));
        Assert.Equal(0, fake.UnregisterDmb(fake.Device, ref dmb));
        Assert.True(layer.UnregisterClient(client.Client).IsOk);

        fake.Device.SetDmbOwner(dmb.Idx, client.Client); // a late, stale owner entry
        Assert.False(fake.Device.ForwardIrq(dmb.Idx, 1));
        var ev = new DibsEvent();
        Assert.Equal(0, fake.Device.ForwardEvent(ref ev));
        Assert.Single(client.Irqs);
    }
}
