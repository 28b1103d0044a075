using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VirtioIsm.Device;
using IsmSpec.VirtioIsm.Host;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// The driver-role requirements of virtio-ism version 1 (draft statements 8-11 and 18): a driver under test runs
/// against a recording reference device (<see cref="RecordingPort"/>) whose offered features, shared memory order and
/// peers are generated; the properties check what the driver did, and the device's REGIONS memory afterwards.
/// </summary>
public sealed class VirtioIsmDriverSuite(IVirtioIsmDriverAdapter driver) : ConformanceSuite
{
    private const ulong EventVq = VirtioIsmSpec.VirtioIsmFEventVq, EventIrq = VirtioIsmSpec.VirtioIsmFEventIrq;
    private const ulong RegionSize = 8192;

    public IVirtioIsmDriverAdapter Driver { get; } = driver ?? throw new ArgumentNullException(nameof(driver));
    public override ISpecInfo Spec => VirtioIsmSpec.Instance;
    public override string Name => $"virtio-ism driver ({Driver.Name})";
    public override bool Covers(Requirement requirement) => requirement.Role == RequirementRole.Driver;

    /// <summary>One case: a host offering <paramref name="features"/>, the driver connected through a recording port, a raw peer.</summary>
    private sealed class Bed : IDisposable
    {
        public Bed(IVirtioIsmDriverAdapter adapter, ulong features, bool notifyFirst, bool eventQueue, int vectors)
        {
            Host = new IsmHost(new IsmHostOptions { RegionCount = 8, RegionSize = RegionSize, VectorCount = 4, GuestMemoryBytes = 128 * 1024, DeviceFeatures = VirtioSpec.VirtioFVersion1 | features });
            Device = Host.CreateDevice();
            Device.Start();
            Port = new RecordingPort(Device, notifyFirst);
            try
            {
                Under = adapter.Connect(Port, eventQueue, vectors);
            }
            catch (Exception e)
            {
                Host.Dispose();
                throw new ConformanceViolation($"{adapter.Name} could not initialize a device offering features 0x{features:X}: {e.Message}");
            }
        }

        public IsmHost Host { get; }
        public VirtioIsmDevice Device { get; }
        public RecordingPort Port { get; }
        public IVirtioIsmDriverUnderTest Under { get; }
        public ulong Negotiated => Port.AtDriverOk?.Features ?? 0;

        public void Dispose()
        {
            Under.Dispose();
            Host.Dispose();
        }
    }

    private static Arbitrary<(ulong Features, bool NotifyFirst, bool EventQueue, int Vectors)> Setups(ulong always) =>
        Gen.Zip(Gen.Zip(Gen.Choose(0, 3), Gen.Elements(true, false)), Gen.Zip(Gen.Elements(true, false), Gen.Choose(0, 4)))
            .Select(t => ((ulong)(uint)t.Item1.Item1 | always, t.Item1.Item2, t.Item2.Item1 || (always & EventVq) != 0, (always & EventIrq) != 0 ? Math.Max(1, t.Item2.Item2) : t.Item2.Item2)).ToArbitrary();

    private Bed Open((ulong Features, bool NotifyFirst, bool EventQueue, int Vectors) c) => new(Driver, c.Features, c.NotifyFirst, c.EventQueue, c.Vectors);

    /// <summary>Statement 8: before DRIVER_OK the driver looked up REGIONS (wherever it is listed) and, with an event feature, NOTIFY.</summary>
    [Checks(Ids.VismInitDrvQueryShm)]
    public Property DriverDiscoversTheSharedMemory() => Prop.ForAll(Setups(0), c =>
    {
        using var bed = Open(c);
        var seen = bed.Port.AtDriverOk?.ShmSeen ?? throw new ConformanceViolation("the driver never set DRIVER_OK");
        VismAssert.That(seen.Contains(VirtioIsmShmId.Regions), $"the driver did not look at the REGIONS entry ({(c.NotifyFirst ? "listed second" : "listed first")}) before DRIVER_OK");
        if ((bed.Negotiated & (EventVq | EventIrq)) != 0)
            VismAssert.That(seen.Contains(VirtioIsmShmId.Notify), "an event feature was negotiated but the driver never looked at the NOTIFY entry");
        var region = bed.Under.Alloc(64) ?? throw new ConformanceViolation("ALLOC through the driver failed");
        region.Fill(0x5A);
        VismAssert.Equal((byte)0x5A, bed.Host.Regions.Span[(int)region.Offset], "first byte of the region in REGIONS after the driver filled it");
    });

    /// <summary>Statement 9: with EVENT_VQ negotiated the eventq is set up with buffers posted before DRIVER_OK.</summary>
    [Checks(Ids.VismInitDrvEventq)]
    public Property DriverSetsUpTheEventq() => Prop.ForAll(Setups(EventVq), c =>
    {
        using var bed = Open(c);
        var at = bed.Port.AtDriverOk ?? throw new ConformanceViolation("the driver never set DRIVER_OK");
        if ((at.Features & EventVq) == 0) return;
        VismAssert.That(at.AvailIdx.TryGetValue(VirtioIsmSpec.VirtioIsmEventq, out ushort posted), "EVENT_VQ negotiated, but no eventq was set up before DRIVER_OK");
        VismAssert.That(posted > 0, "the eventq was set up without any buffer for the device to fill");
    });

    /// <summary>Statement 10: with EVENT_IRQ negotiated the driver programmed interrupt vectors before DRIVER_OK.</summary>
    [Checks(Ids.VismInitDrvEventIrq)]
    public Property DriverSetsUpVectors() => Prop.ForAll(Setups(EventIrq), c =>
    {
        using var bed = Open(c);
        var at = bed.Port.AtDriverOk ?? throw new ConformanceViolation("the driver never set DRIVER_OK");
        if ((at.Features & EventIrq) == 0) return;
        VismAssert.That(at.Vectors.Count > 0, "EVENT_IRQ negotiated, but no interrupt vector was programmed before DRIVER_OK");
    });

    /// <summary>Statement 11: with EVENT_IRQ every region the driver allocates or attaches has a vector: a peer's update fires one.</summary>
    [Checks(Ids.VismInitDrvEventVector)]
    public Property DriverBindsEveryRegion() => Prop.ForAll(Gen.Zip(Setups(EventIrq).Generator, Gen.Zip(Gen.Choose(0, 3), Gen.Choose(0, 3))).ToArbitrary(), c =>
    {
        using var bed = Open(c.Item1);
        var (allocs, attaches) = c.Item2;
        if ((bed.Negotiated & EventIrq) == 0) return;
        var regions = new List<(IVirtioIsmDriverRegion Region, RawPeer Peer)>();
        for (int i = 0; i <= allocs; i++)
        {
            var mine = bed.Under.Alloc(8) ?? throw new ConformanceViolation("ALLOC through the driver failed");
            var peer = new RawPeer(bed);
            peer.Attach(mine.Token);
            regions.Add((mine, peer));
        }
        for (int i = 0; i < attaches; i++)
        {
            var peer = new RawPeer(bed);
            regions.Add((bed.Under.Attach(peer.Alloc()) ?? throw new ConformanceViolation("ATTACH through the driver failed"), peer));
        }
        var vectors = bed.Device.Vectors;
        foreach (var (r, peer) in regions)
        {
            long before = Enumerable.Range(0, vectors.Count).Sum(vectors.FiredCount);
            peer.Notify(r.Offset);
            VismAssert.That(Enumerable.Range(0, vectors.Count).Sum(vectors.FiredCount) > before,
                $"no vector fired for the update of region 0x{r.Offset:X} ({(r.Token == 0 ? "attached" : "allocated")}): the driver did not bind it with EVENT_VECTOR");
        }
    });

    /// <summary>Statement 18: after ALLOC(size) the driver touches only offset .. offset + size - 1 (mapped and written).</summary>
    [Checks(Ids.VismAllocDrvBounds)]
    public Property DriverStaysInsideTheAllocatedBytes() => Prop.ForAll(Gen.Zip(Setups(0).Generator, Gen.ListOf(Gen.Choose(1, (int)RegionSize)).Select(l => l.Take(4).ToArray())).ToArbitrary(), c =>
    {
        using var bed = Open(c.Item1);
        foreach (var size in c.Item2.Prepend(1))
        {
            int mapped = bed.Port.Mappings.Count;
            var r = bed.Under.Alloc((ulong)size) ?? throw new ConformanceViolation($"ALLOC({size}) through the driver failed");
            r.Fill(0xA5);
            foreach (var (offset, length, _) in bed.Port.Mappings.Skip(mapped))
                VismAssert.That(offset >= r.Offset && offset + length <= r.Offset + (ulong)size, $"after ALLOC({size}) at 0x{r.Offset:X} the driver mapped 0x{offset:X}+{length}");
            var slot = bed.Host.Regions.Span.Slice((int)r.Offset, (int)RegionSize);
            VismAssert.That(slot[..size].IndexOfAnyExcept((byte)0xA5) < 0, $"the driver's user could not fill all {size} allocated bytes");
            VismAssert.That(slot[size..].IndexOfAnyExcept((byte)0) < 0, $"after ALLOC({size}) the driver wrote past offset + size");
        }
    });

    /// <summary>A raw guest on the host: a fresh reference device driven synchronously (<see cref="LocalGuest"/>).</summary>
    private sealed class RawPeer
    {
        private readonly LocalGuest _guest;
        private readonly ulong _notifySize;

        public RawPeer(Bed bed)
        {
            _guest = new LocalGuest(bed.Host.CreateDevice());
            VismAssert.That(_guest.Negotiate(0), "the reference peer could not negotiate");
            _notifySize = bed.Host.Options.NotifySize;
        }

        public ulong Alloc()
        {
            var request = new byte[VirtioIsmCtrl.AllocRequestLength];
            VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = 8 }, out _);
            VirtioIsmCtrl.TryReadAllocReply(_guest.Exchange(request, VirtioIsmCtrl.AllocReplyLength), out var ack, out var reply);
            VismAssert.That(ack == VirtioIsmCtrl.Ok, "the reference peer could not allocate");
            return reply.Token;
        }

        public void Attach(ulong token)
        {
            var request = new byte[VirtioIsmCtrl.AttachRequestLength];
            VirtioIsmCtrl.TryWriteAttach(request, new VirtioIsmAttachRequest { Token = token }, out _);
            _guest.Exchange(request, VirtioIsmCtrl.AttachReplyLength);
        }

        public void Notify(ulong offset) => _guest.Notify(offset / RegionSize * _notifySize);
    }
}
