using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio;
using IsmSpec.Virtio.Virtqueue;
using Ids = IsmSpec.Specs.Virtio.VirtioSpec.Ids;

namespace IsmSpec.Conformance.Virtio;

/// <summary>
/// The device-role requirements of the virtio catalog (split ring, status, features, config space), checked with the
/// suite playing the driver over recorded guest memory. Ring rules: virtio 1.x §2.7; status §2.1; features §2.2; config §2.5.
/// </summary>
public sealed partial class VirtioDeviceSuite(IVirtioDeviceUnderTest adapter, bool checkRecommendations = false) : VirtioSuite(checkRecommendations)
{
    /// <summary>Transport bits whose meaning the suite (as a driver) knows and can exercise.</summary>
    public const ulong SuiteKnown = VirtioSpec.VirtioFVersion1 | VirtioSpec.VirtioFIndirectDesc | VirtioSpec.VirtioFEventIdx;

    private readonly Lazy<(ulong Offered, int ConfigLength)?> _probe = new(() => Probe(adapter));

    public IVirtioDeviceUnderTest Adapter { get; } = adapter ?? throw new ArgumentNullException(nameof(adapter));
    public override string Name => $"virtio device ({Adapter.Name})";
    protected override RequirementRole Role => RequirementRole.Device;

    protected override string? Inapplicable(Requirement requirement)
    {
        if (_probe.Value is not { } p) return null; // the adapter cannot even make an instance: every property fails and says so
        if (requirement.Id == Ids.VirtqEventIdxNotify && (p.Offered & VirtioSpec.VirtioFEventIdx) == 0)
            return "the device does not offer VIRTIO_F_EVENT_IDX";
        if (requirement.Id == Ids.VirtqIndirectIgnoreWrite && (p.Offered & VirtioSpec.VirtioFIndirectDesc) == 0)
            return "the device does not offer VIRTIO_F_INDIRECT_DESC, so no descriptor refers to an indirect table";
        if (requirement.Id == Ids.VirtioCfgReadableEarly && p.ConfigLength == 0)
            return "the device has no device-specific configuration space";
        return null;
    }

    private static (ulong, int)? Probe(IVirtioDeviceUnderTest adapter)
    {
        try
        {
            using var d = adapter.Create();
            return (d.Transport.DeviceFeatures, d.Transport.ConfigLength);
        }
        catch (Exception)
        {
            return null;
        }
    }

    internal DeviceBench Bench(int queueSize, ushort start, int posts = 16) => new(Adapter, queueSize, start, posts);

    private ulong Offered => _probe.Value?.Offered ?? 0;

    /// <summary>§2.7: the queue size the device reports is a power of two no larger than 32768.</summary>
    [Checks(Ids.VirtqSizePow2)]
    public Property ReportedQueueSizeIsAPowerOfTwo() => ForAll(Ints(0, 3), _ =>
    {
        using var d = Make(Adapter.Name, Adapter.Create);
        int max = VAssert.Call("MaxQueueSize", () => d.MaxQueueSize);
        VAssert.That(VirtqLayout.IsValidQueueSize(max), $"queue size {max} is not a power of two in 1..{VirtioSpec.VirtqMaxSize}");
    });

    /// <summary>§2.7, §2.7.6, §2.7.8: every power-of-two size up to the maximum works: ring slots are idx mod size, across wrap.</summary>
    [Checks(Ids.VirtqSizePow2)]
    public Property EveryPowerOfTwoSizeServesTheRingInOrder() =>
        StateMachine.ToProperty(new VirtqDeviceMachine((qs, s) => Bench(qs, s, RingModel.MaxPosts), QueueSizes(0, 6), SuiteKnown, RingChecks.Order, indirect: true));

    /// <summary>§2.7.7 with EVENT_IDX: an interrupt exactly when used idx passed used_event (vring_need_event), across wrap.</summary>
    [Checks(Ids.VirtqEventIdxNotify)]
    public Property EventIdxNotifiesExactlyWhenUsedEventIsPassed() =>
        StateMachine.ToProperty(new VirtqDeviceMachine((qs, s) => Bench(qs, s, RingModel.MaxPosts), QueueSizes(0, 4), VirtioSpec.VirtioFEventIdx, RingChecks.EventIdx, indirect: false));

    /// <summary>A workload of valid chains then maybe one corrupt chain, for the two "never writes" rules.</summary>
    public sealed record Traffic(int QueueSize, ushort Start, ulong Accept, ChainShape[] Chains, int[] Responses, Corruption Corrupt)
    {
        public override string ToString() =>
            $"qs {QueueSize} start {Start} accept 0x{Accept:X} chains [{string.Join("; ", Chains.AsEnumerable())}] responses [{string.Join(",", Responses)}] then {Corrupt}";
    }

    private static Gen<ChainShape> Shapes(int maxEach = 3) =>
        Tup.Of(Tup.Array(Gen.Choose(1, DeviceBench.MaxBuffer), 0, maxEach), Tup.Array(Gen.Choose(1, DeviceBench.MaxBuffer), 0, maxEach), Gen.Elements(false, true))
           .Where(t => t.Item1.Length + t.Item2.Length > 0)
           .Select(t => new ChainShape(t.Item1, t.Item2, t.Item3 && t.Item1.Length + t.Item2.Length > 1));

    private Arbitrary<Traffic> TrafficCases =>
        (from qs in QueueSizes(2, 5)
         from start in StartIndices
         from accept in SubsetOf(SuiteKnown)
         from chains in Tup.Array(Shapes(), 1, 5)
         from responses in Gen.ArrayOf(Gen.Choose(0, 80), chains.Length)
         from corrupt in Gen.Frequency((3, Gen.Constant(Corruption.None)), (7, Gen.Elements(Enum.GetValues<Corruption>())))
         select new Traffic(qs, start, accept, chains, responses, corrupt)).ToArbitrary();

    /// <summary>Runs valid chains through the device (each must be taken and completed), then the corrupt one if any.</summary>
    private DeviceBench Drive(Traffic t)
    {
        var b = Bench(t.QueueSize, t.Start);
        b.Run(t.Accept);
        bool indirect = b.Has(VirtioSpec.VirtioFIndirectDesc);
        for (int i = 0; i < t.Chains.Length; i++)
        {
            var shape = t.Chains[i] with { Indirect = t.Chains[i].Indirect && indirect };
            if (!b.Fits(shape)) continue;
            var posted = b.Post(shape);
            var popped = b.Pop(DeviceBench.Response(t.Responses[i], i));
            VAssert.That(popped is not null, $"the device did not take valid chain {shape}");
            b.Complete(popped!.Head);
        }
        if (t.Corrupt == Corruption.None) return b;
        var bad = Corrupt(t.Corrupt);
        if (!b.Fits(bad)) return b;
        b.Post(bad);
        for (int i = 0; i < 2 && b.Pop(DeviceBench.Response(24, 99)) is { } p; i++) b.Complete(p.Head);
        return b;
    }

    /// <summary>A three-buffer chain broken as <paramref name="c"/> says (through an indirect table for the table kinds).</summary>
    internal static ChainShape Corrupt(Corruption c) =>
        new([16, 16], [16], c is Corruption.IndirectWithNext or Corruption.NestedIndirect or Corruption.IndirectBadLength, c);

    /// <summary>§2.7.4: the device never writes a device-readable buffer — not for valid chains, not for corrupt ones.</summary>
    [Checks(Ids.VirtqDeviceNoWriteReadable)]
    public Property NeverWritesDeviceReadableBuffers() => ForAll(TrafficCases, t =>
    {
        using var b = Drive(t);
        foreach (var (address, length) in b.Readable)
            foreach (var w in b.Memory.WritesBy(MemoryActor.Device, address, (ulong)length))
                throw new ConformanceViolation($"the device wrote {w.Length} byte(s) at 0x{w.Address:X}, inside device-readable buffer 0x{address:X}+{length}");
    });

    /// <summary>§2.7.5: the device never modifies the descriptor table (nor an indirect table).</summary>
    [Checks(Ids.VirtqDeviceNoWriteDescTable)]
    public Property NeverWritesDescriptorTables() => ForAll(TrafficCases, t =>
    {
        using var b = Drive(t);
        foreach (var (address, length) in b.Tables)
            foreach (var w in b.Memory.WritesBy(MemoryActor.Device, address, (ulong)length))
                throw new ConformanceViolation($"the device wrote {w.Length} byte(s) at 0x{w.Address:X}, inside descriptor table 0x{address:X}+{length}");
    });
}
