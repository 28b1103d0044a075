namespace IsmSpec.Smc.Tests;

/// <summary>How the stream uses DIBS: research §2.9 and the client rules 67–72 of §5.</summary>
public class DibsClientRuleTests
{
    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientSmcRegisterArgs)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcDmbeIndexZero)]
    public void Each_end_registers_its_whole_dmb_with_the_peer_gid_and_vlan_valid_0_and_writes_to_dmbe_index_0()
    {
        using var bed = new TraceBed();
        var (a, b) = bed.Connect(4096, 2048);
        using (a)
        using (b)
        {
            a.Write("x"u8);
            Assert.Equal(2, bed.Trace.Registered.Count);
            Assert.Equal(new uint[] { 2048, 4096 }, bed.Trace.Registered.Select(d => d.DmbLen));   // listener first, header included
            Assert.All(bed.Trace.Registered, d =>
            {
                Assert.Equal(bed.Trace.Device.Gid.ToArray(), d.Rgid.ToArray());
                Assert.Equal(0u, d.VlanValid);
                Assert.Equal(0u, d.Idx);
            });
            Assert.Equal(2048u - 32, b.RingSize);
            Assert.All(bed.Trace.Moves, m => Assert.Equal(SmcdConnection.PeerDmbeIndex, m.Idx));
        }
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientSmcMoveResult)]
    public void A_negative_move_data_result_fails_the_connection_and_a_positive_one_counts_as_success()
    {
        using var bed = new TraceBed();
        var (a, b) = bed.Connect(256, 256);
        using (a)
        using (b)
        {
            bed.Trace.MoveResult = () => 3;            // a positive device code (ISM passes them through, rule 49)
            a.Write("fine"u8);
            Assert.Equal(4, b.Read(new byte[8]));
            Assert.Null(a.BrokenReason);
            bed.Trace.MoveResult = () => -Errno.EIO;
            Assert.Throws<IOException>(() => a.Write("lost"u8));
            Assert.Contains("-EIO", a.BrokenReason);
            Assert.Throws<IOException>(() => a.Write("again"u8));
        }
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientSmcIrqIgnoresMask)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcRecvReadsHeader)]
    public void Handle_irq_wakes_the_connection_bound_to_the_index_whatever_the_mask()
    {
        using var bed = new TraceBed();                // signals with dmbemask 0xBEEF
        var (a, b) = bed.Connect(256, 256);
        using (a)
        using (b)
        {
            var read = Task.Run(() => b.Read(new byte[8]));
            Thread.Sleep(30);
            a.Write("abc"u8);
            Assert.Equal(3, Exchange.Await(read));
            Assert.Equal(2, bed.Client.ConnectionCount(bed.Trace.Device));
        }
        Assert.Equal(0, bed.Client.ConnectionCount(bed.Trace.Device));
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientBalancedCalls)]
    public void Every_registered_dmb_is_unregistered_exactly_once_however_the_connection_ends()
    {
        using var bed = new TraceBed();
        var (a, b) = bed.Connect();
        var (c, d) = bed.Connect();
        a.Dispose();
        b.Dispose();
        c.Abort();
        d.Dispose();
        d.Dispose();
        c.Abort();
        var tokens = bed.Trace.Registered.Count;
        Assert.Equal(4, tokens);
        Assert.Equal(4, bed.Trace.Unregistered.Count);
        Assert.All(bed.Trace.Unregistered, u => Assert.Equal(0, u.Rc));
        Assert.Equal(4, bed.Trace.Unregistered.Select(u => u.Token).Distinct().Count());
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientUnregDmbsFirst)]
    public void The_client_cannot_leave_the_layer_while_a_connection_owns_a_dmb()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect();
        Assert.Equal(-Errno.EBUSY, bed.Client.Unregister().Code);
        a.Dispose();
        b.Dispose();
        Assert.Equal(0, bed.Loopback.DmbCount);
        Assert.True(bed.Client.Unregister().IsOk);
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamDeviceGone)]
    public void Removing_the_device_fails_its_connections_and_frees_their_dmbs()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect();
        a.Write("pending"u8);
        Assert.True(bed.Loopback.Remove(TimeSpan.FromSeconds(5)).IsOk);   // waits until every DMB is freed (rule 41)
        Assert.Throws<IOException>(() => b.Read(new byte[8]));
        Assert.Contains("removed", b.BrokenReason);
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamSetup)]
    public async Task An_unreachable_peer_is_declined_before_any_dmb_is_registered()
    {
        var left = new LoopbackBed();                  // two loopback devices: each reaches only itself (rule 25)
        var right = new LoopbackBed();
        try
        {
            var (ca, cb) = StreamBed.Channels();
            var accept = SmcdEndpoint.AcceptAsync(right.Client, right.Loopback.Device, cb);
            var connect = SmcdEndpoint.ConnectAsync(left.Client, left.Loopback.Device, ca);
            var e = await Assert.ThrowsAsync<IOException>(() => accept.WaitAsync(StreamBed.Timeout));
            Assert.Contains("ENETUNREACH", e.Message);
            e = await Assert.ThrowsAsync<IOException>(() => connect.WaitAsync(StreamBed.Timeout));
            Assert.Contains("declined", e.Message);
            Assert.Equal(0, left.Loopback.DmbCount);
            Assert.Equal(0, right.Loopback.DmbCount);
            Assert.Throws<ArgumentOutOfRangeException>(() =>
                SmcdEndpoint.ConnectAsync(left.Client, left.Loopback.Device, ca, new SmcdStreamOptions { DmbSize = 63 }).GetAwaiter().GetResult());
        }
        finally
        {
            left.Dispose();
            right.Dispose();
        }
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamDmbSize)]
    public void A_device_without_dmb_memory_access_is_refused()
    {
        var layer = DibsLayer.Load(false);
        var dev = new DibsDevice("opaque", new byte[16], new NoMemoryDevice());
        Assert.True(layer.AddDevice(dev).IsOk);
        var smcd = SmcdClient.Register(layer).Value;
        var created = SmcdConnection.Create(smcd, dev, new byte[16], 1024);
        Assert.Equal(-Errno.EOPNOTSUPP, created.Code);
    }

    private sealed class NoMemoryDevice : IDibsDevOps<DibsDevice, DibsClient>
    {
        public ushort GetFabricId(DibsDevice dev) => 1;
        public int QueryRemoteGid(DibsDevice dev, ReadOnlySpan<byte> rgid, uint vidValid, uint vid) => 0;
        public int MaxDmbs() => 4;
        public int RegisterDmb(DibsDevice dev, ref DibsDmb dmb, DibsClient client) => throw new InvalidOperationException("must not be called");
        public int UnregisterDmb(DibsDevice dev, ref DibsDmb dmb) => 0;
        public int MoveData(DibsDevice dev, ulong dmbTok, uint idx, bool sf, uint offset, ReadOnlySpan<byte> data) => 0;
    }
}
