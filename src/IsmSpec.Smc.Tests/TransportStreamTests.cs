namespace IsmSpec.Smc.Tests;

/// <summary>
/// Issue 4 item 6: the same random-write property as <see cref="StreamPropertyTests"/> (0 .. 4 × the receiving
/// ring per write, both directions at once, half-close each way) over the emulated s390 ISM device and over the
/// virtio-ism-backed DIBS device. The cross-process run over virtio-ism is in <see cref="VirtioIsmCrossProcessTests"/>.
/// </summary>
public class TransportStreamTests
{
    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientSmcWriteOrder)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientSmcIrqIgnoresMask)]
    public void Random_writes_arrive_intact_and_in_order_both_ways_over_the_ism_emulation()
    {
        using var bed = new IsmEmulationBed();
        var property = FsCheck.Fluent.Prop.ForAll(StreamPropertyTests.Cases(), c =>
        {
            var (a, b) = bed.Connect(c.Item1, c.Item2);
            using (a)
            using (b)
                return Exchange.Run(a, b, c.Item3, c.Item4, c.Item5);
        });
        PropertyRunner.Check(property, 150, "SMC-D stream over the emulated ISM device");
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientSmcIrqIgnoresMask)]
    public void Random_writes_arrive_intact_and_in_order_both_ways_over_the_virtio_ism_device()
    {
        using var bed = new VirtioIsmBed();
        var property = FsCheck.Fluent.Prop.ForAll(StreamPropertyTests.Cases(), c =>
        {
            var (a, b) = bed.Connect(c.Item1, c.Item2);
            using (a)
            using (b)
                return Exchange.Run(a, b, c.Item3, c.Item4, c.Item5);
        });
        PropertyRunner.Check(property, 100, "SMC-D stream over the virtio-ism DIBS device");
        // Every connection gave its DMBs back; what may remain are cached attachments (at most one window each).
        Assert.InRange(bed.Host.RegionsInUse, 0, 32);
    }

    [Fact]
    public void The_handshake_checks_reachability_with_the_virtio_ism_gid_layout()
    {
        using var bed = new VirtioIsmBed();
        var (a, b) = bed.Connect(1024, 1024);
        using (a)
        using (b)
        {
            Assert.Equal(0, bed.A.Item2.Ops.QueryRemoteGid(bed.A.Item2, bed.B.Item2.Gid, 0, 0));
            Assert.InRange(bed.A.Item2.FabricId, (ushort)0xFF00, (ushort)0xFFFE);     // rule 78: emulated ISM
            var data = Exchange.RandomBytes(new Random(3), 3000);              // three rings' worth: flow control
            var read = Task.Run(() =>
            {
                var got = new MemoryStream();
                b.GetStream().CopyTo(got);
                return got.ToArray();
            });
            a.Write(data);
            a.ShutdownWrite();
            Assert.Equal(data, Exchange.Await(read));
        }
    }
}
