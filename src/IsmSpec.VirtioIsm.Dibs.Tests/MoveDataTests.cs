using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.VirtioIsm.Dibs.Tests;

/// <summary>move_data between two guests of one host: data, signals, bounds, unknown tokens (rules 20–23).</summary>
public class MoveDataTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevMoveSync)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevIrqIdx)]
    public void Random_moves_land_in_the_owners_dmb_before_returning_and_signal_it_with_its_idx()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        var dmbs = Enumerable.Range(0, 3).Select(_ => b.Register(32768, a)).ToArray();
        var expected = dmbs.Select(_ => new byte[32768]).ToArray();
        var cases = Gen.Zip(Gen.Choose(0, 2), Gen.Zip(Gen.Choose(0, 8192), Gen.Choose(0, int.MaxValue)));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (which, (size, seed)) = c;
            var offset = seed % (32768 - size + 1);
            var data = new byte[size];
            new Random(seed).NextBytes(data);
            if (a.Vism.MoveData(a.Dev, dmbs[which].DmbTok, 0, seed % 2 == 0, (uint)offset, data) != 0)
                return false;
            data.CopyTo(expected[which], offset);
            // rule 22: the bytes are there when move_data returns, whether or not a signal follows
            if (!b.Memory(dmbs[which].DmbTok).SequenceEqual(expected[which]))
                return false;
            if (seed % 2 != 0)
                return true;
            // rule 20: handle_irq names the idx register_dmb returned; the mask carries nothing over virtio-ism
            return b.Client.NextIrq(VismBed.Wait) == (dmbs[which].Idx, VirtioIsmDibsDevice.SignalMask);
        });
        PropertyRunner.Check(property, 60, "virtio-ism DIBS move_data");
        Assert.InRange(a.Vism.AttachmentCount, 1, 3);                            // one cached attachment per peer DMB touched
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevSignalOwnerOnly)]
    public void A_signal_reaches_only_the_owning_client_and_only_while_it_is_subscribed()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        var second = new RecordingClient("second");
        Assert.True(b.Layer.RegisterClient(second.Client).IsOk);
        var ofFirst = b.Register(4096, a);
        var ofSecond = b.Register(4096, a, owner: second);

        Assert.Equal(0, a.Vism.MoveData(a.Dev, ofSecond.DmbTok, 0, true, 0, [1]));
        Assert.Equal((ofSecond.Idx, VirtioIsmDibsDevice.SignalMask), second.NextIrq(VismBed.Wait));
        Assert.Empty(b.Client.Drain(Settle));
        Assert.Equal(0, a.Vism.MoveData(a.Dev, ofFirst.DmbTok, 0, false, 0, [2]));   // sf = 0: no signal at all
        Assert.Empty(b.Client.Drain(Settle));
        Assert.Empty(second.Drain(TimeSpan.Zero));
        Assert.Empty(a.Client.Drain(TimeSpan.Zero));                                  // never the writer's side

        // The owner leaves the device (del_dev stops forwarding): the signal is dropped, move_data still succeeds.
        Assert.True(b.Layer.DeleteDevice(b.Dev).IsOk);
        Assert.Equal(0, a.Vism.MoveData(a.Dev, ofFirst.DmbTok, 0, true, 0, [3]));
        Assert.Empty(b.Client.Drain(Settle));
        Assert.Equal(3, b.Memory(ofFirst.DmbTok)[0]);
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsDevSignalCoalesce)]
    public void Signalled_writes_in_a_burst_may_coalesce_but_at_least_one_signal_follows_the_last()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        var dmb = b.Register(4096, a);
        for (byte i = 1; i <= 50; i++)
            Assert.Equal(0, a.Vism.MoveData(a.Dev, dmb.DmbTok, 0, true, 0, [i]));
        var irqs = b.Client.Drain(Settle);
        Assert.InRange(irqs.Count, 1, 50);
        Assert.All(irqs, irq => Assert.Equal(dmb.Idx, irq.Idx));
        Assert.Equal(50, b.Memory(dmb.DmbTok)[0]);
    }

    [Fact]
    public void A_move_into_an_own_dmb_is_copied_locally_and_signalled_synchronously()
    {
        using var bed = new VismBed();
        var a = bed.AddGuest();
        var dmb = a.Register(4096);
        Assert.Equal(0, a.Vism.MoveData(a.Dev, dmb.DmbTok, 5, true, 4000, new byte[96]));
        Assert.Equal((dmb.Idx, VirtioIsmDibsDevice.SignalMask), a.Client.NextIrq(TimeSpan.Zero));
        Assert.Equal(0, a.Vism.MoveData(a.Dev, dmb.DmbTok, 5, true, 4096, []));      // size 0 still signals (as loopback)
        Assert.NotNull(a.Client.NextIrq(TimeSpan.Zero));
        Assert.Equal(-Errno.EINVAL, a.Vism.MoveData(a.Dev, dmb.DmbTok, 5, true, 4001, new byte[96]));
        Assert.Null(a.Client.NextIrq(TimeSpan.Zero));
    }

    [Fact]
    public void A_handle_irq_that_moves_data_to_a_region_not_yet_attached_gets_its_attach_done_promptly()
    {
        // handle_irq runs on the driver's interrupt thread; the ATTACH behind this move_data is completed there too
        // (otherwise it would wait for its own thread until the 5 s command timeout and fail).
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        var replyTo = a.Register(4096, b);
        var results = new System.Collections.Concurrent.BlockingCollection<int>();
        var echo = new CallbackClient((dev, idx) => results.Add(b.Vism.MoveData(dev, replyTo.DmbTok, 0, true, 0, [0x42])));
        Assert.True(b.Layer.RegisterClient(echo.Client).IsOk);
        var dmb = new DibsDmb { DmbLen = 4096 };
        a.Gid.CopyTo(dmb.Rgid);
        Assert.Equal(0, b.Vism.RegisterDmb(b.Dev, ref dmb, echo.Client));
        Assert.Equal(0, b.Vism.AttachmentCount);

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, a.Vism.MoveData(a.Dev, dmb.DmbTok, 0, true, 0, [1]));
        Assert.True(results.TryTake(out var rc, VismBed.Wait));
        Assert.Equal(0, rc);
        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
        Assert.Equal(0x42, a.Memory(replyTo.DmbTok)[0]);
        Assert.Equal((replyTo.Idx, VirtioIsmDibsDevice.SignalMask), a.Client.NextIrq(VismBed.Wait));
        Assert.Equal(1, b.Vism.AttachmentCount);
    }

    private sealed class CallbackClient : IDibsClientOps<DibsDevice>
    {
        private readonly Action<DibsDevice, uint> _onIrq;
        public CallbackClient(Action<DibsDevice, uint> onIrq) { _onIrq = onIrq; Client = new DibsClient("echo", this); }
        public DibsClient Client { get; }
        public void AddDev(DibsDevice dev) { }
        public void DelDev(DibsDevice dev) { }
        public void HandleIrq(DibsDevice dev, uint idx, ushort dmbemask) => _onIrq(dev, idx);
        public void HandleEvent(DibsDevice dev, ref DibsEvent @event) { }
    }

    [Fact]
    public void A_move_to_an_unknown_token_is_einval_and_attaches_nothing()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        b.Register(4096, a);
        Assert.Equal(-Errno.EINVAL, a.Vism.MoveData(a.Dev, 0xDEAD_BEEF_0000_0001, 0, true, 0, [1, 2]));
        Assert.Equal(-Errno.EINVAL, a.Vism.MoveData(a.Dev, 0, 0, false, 0, []));
        Assert.Equal(0, a.Vism.AttachmentCount);
        Assert.Equal(0, bed.Host.ReferencesOf(a.Driver.Devid));
        Assert.Empty(b.Client.Drain(Settle));
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoMoveBounds)]
    public void Offsets_beyond_the_region_are_einval_write_nothing_and_signal_nothing()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        var dmb = b.Register(1000, a);
        var peerView = bed.Host.Regions.Span.Slice((int)dmb.CpuAddr, (int)VismBed.RegionSize);
        peerView.Fill(0x5A);                                                      // the whole slot, also beyond dmb_len
        var before = peerView.ToArray();
        var next = peerView.Length;                                               // first byte after the slot
        foreach (var (offset, size) in new[] { ((uint)VismBed.RegionSize, 1), ((uint)VismBed.RegionSize - 10, 11), (uint.MaxValue, 2), (0u, (int)VismBed.RegionSize + 1) })
            Assert.Equal(-Errno.EINVAL, a.Vism.MoveData(a.Dev, dmb.DmbTok, 0, true, offset, new byte[size]));
        Assert.Equal(before, bed.Host.Regions.Span.Slice((int)dmb.CpuAddr, next).ToArray());
        Assert.Empty(b.Client.Drain(Settle));
        // The writer knows only region_size (ATTACH has no length): the slack after dmb_len stays inside the region.
        Assert.Equal(0, a.Vism.MoveData(a.Dev, dmb.DmbTok, 0, false, (uint)VismBed.RegionSize - 4, [9, 9, 9, 9]));
        Assert.Equal(9, bed.Host.Regions.Span[(int)dmb.CpuAddr + (int)VismBed.RegionSize - 1]);
    }

    [Fact]
    public void A_third_guest_cannot_write_a_dmb_designated_for_another_writer()
    {
        using var bed = new VismBed();
        var (a, b) = bed.Pair();
        var c = bed.AddGuest();
        var dmb = b.Register(4096, a);                                            // rgid = A: GRANT A, DENY_OTHER
        Assert.Equal(-Errno.EINVAL, c.Vism.MoveData(c.Dev, dmb.DmbTok, 0, true, 0, [7]));
        Assert.Equal(0, a.Vism.MoveData(a.Dev, dmb.DmbTok, 0, true, 0, [8]));
        Assert.Equal(8, b.Memory(dmb.DmbTok)[0]);
        using var open = new VismBed();
        var (d, e) = (open.AddGuest(new VirtioIsmDibsOptions { RestrictToRgid = false }), open.AddGuest());
        var f = open.AddGuest();
        var loose = d.Register(4096, e);
        Assert.Equal(0, f.Vism.MoveData(f.Dev, loose.DmbTok, 0, false, 0, [1]));  // first attacher wins (draft statement 21)
        Assert.Equal(-Errno.EINVAL, e.Vism.MoveData(e.Dev, loose.DmbTok, 0, false, 0, [1]));
    }
}
