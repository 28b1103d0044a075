using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.Virtio;
using Ids = IsmSpec.Specs.Virtio.VirtioSpec.Ids;

namespace IsmSpec.Conformance.Virtio;

/// <summary>
/// The driver-role requirements of the virtio catalog, checked with the suite playing the device: initialization
/// (virtio 1.x §3.1.1), feature negotiation (§2.2), config reads (§2.5) and the split ring's driver side (§2.7).
/// </summary>
public sealed partial class VirtioDriverSuite(IVirtioDriverUnderTest adapter, bool checkRecommendations = false) : VirtioSuite(checkRecommendations)
{
    /// <summary>Transport bits the suite's device can offer and honour (SUSPEND only as a status bit to be left alone).</summary>
    public const ulong Offerable = VirtioSpec.VirtioFVersion1 | VirtioSpec.VirtioFIndirectDesc | VirtioSpec.VirtioFEventIdx
        | VirtioSpec.VirtioFSuspend | VirtioSpec.VirtioFRingReset | VirtioSpec.VirtioFAccessPlatform;

    public IVirtioDriverUnderTest Adapter { get; } = adapter ?? throw new ArgumentNullException(nameof(adapter));
    public override string Name => $"virtio driver ({Adapter.Name})";
    protected override RequirementRole Role => RequirementRole.Driver;

    protected override string? Inapplicable(Requirement requirement)
    {
        ulong known = Adapter.KnownFeatures;
        if (requirement.Id == Ids.VirtqEventIdxFlagsZero && (known & VirtioSpec.VirtioFEventIdx) == 0)
            return "the driver does not know VIRTIO_F_EVENT_IDX, so it never negotiates it";
        if (requirement.Id is Ids.VirtqIndirectNoNesting or Ids.VirtqIndirectNoNext && (known & VirtioSpec.VirtioFIndirectDesc) == 0)
            return "the driver does not know VIRTIO_F_INDIRECT_DESC, so it builds no indirect tables";
        if (requirement.Id == Ids.VirtioFeatDriverDependency && Adapter.FeatureDependencies.Count == 0)
            return "neither the virtio catalog nor the driver's device type declares a dependency between feature bits";
        return null;
    }

    internal DriverBench Bench(int queueSize, ushort start, ulong offered, int maxChain = 4, bool refuse = false) =>
        new(Adapter, queueSize, start, offered, maxChain, refuse);

    private static IEnumerable<TransportEvent> Writes(DriverBench b) => b.Transport.Log.Where(e => e.Op == TransportOp.StatusWrite);

    /// <summary>§2.7 / §2.7.2: descriptor table 16-, available ring 2-, used ring 4-byte aligned, for the size the device gave.</summary>
    [Checks(Ids.VirtqPartAlign)]
    public Property RingPartsAreAligned() => ForAll(Tup.Of(QueueSizes(0, 8), SubsetOf(Offerable)).ToArbitrary(), c =>
    {
        using var b = Bench(c.Item1, 0, c.Item2);
        var l = VAssert.Call("Initialize", b.Driver.Initialize)
            ?? throw new ConformanceViolation($"the driver did not initialize (offered 0x{c.Item2:X})");
        VAssert.That(l.DescTable % VirtioSpec.VirtqDescAlign == 0, $"descriptor table at 0x{l.DescTable:X} is not 16-byte aligned");
        VAssert.That(l.AvailRing % VirtioSpec.VirtqAvailAlign == 0, $"available ring at 0x{l.AvailRing:X} is not 2-byte aligned");
        VAssert.That(l.UsedRing % VirtioSpec.VirtqUsedAlign == 0, $"used ring at 0x{l.UsedRing:X} is not 4-byte aligned");
    });

    /// <summary>§3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, DRIVER_OK — bits only added, each after its predecessor.</summary>
    [Checks(Ids.VirtioInitOrder)]
    public Property InitializesInOrder() => ForAll(SubsetOf(Offerable).ToArbitrary(), offered =>
    {
        using var b = Bench(4, 0, offered);
        b.Ready();
        var cur = (VirtioDeviceStatus)0xFF;
        bool featuresWritten = false;
        foreach (var e in b.Transport.Log)
        {
            if (e.Op == TransportOp.FeaturesWrite)
            {
                VAssert.That((cur & VirtioDeviceStatus.Driver) != 0 && (cur & VirtioDeviceStatus.FeaturesOk) == 0, $"features written with status {cur}");
                featuresWritten = true;
            }
            if (e.Op != TransportOp.StatusWrite) continue;
            var v = (VirtioDeviceStatus)e.Value;
            if (cur == (VirtioDeviceStatus)0xFF) VAssert.Equal((VirtioDeviceStatus)0, v, "first status write (reset)");
            else if (v != 0)
            {
                VAssert.That((cur & ~v & ~VirtioDeviceStatus.DeviceNeedsReset) == 0, $"status {cur} → {v} clears bits without a reset");
                var added = v & ~cur;
                Need(added, v, VirtioDeviceStatus.Driver, VirtioDeviceStatus.Acknowledge);
                Need(added, v, VirtioDeviceStatus.FeaturesOk, VirtioDeviceStatus.Driver);
                VAssert.That((added & VirtioDeviceStatus.FeaturesOk) == 0 || featuresWritten, "FEATURES_OK set before the accepted features were written");
                Need(added, v, VirtioDeviceStatus.DriverOk, VirtioDeviceStatus.FeaturesOk);
            }
            else featuresWritten = false;
            cur = v;
        }
        VAssert.That((cur & VirtioDeviceStatus.DriverOk) != 0, $"initialization ended with status {cur}, not DRIVER_OK");
    });

    private static void Need(VirtioDeviceStatus added, VirtioDeviceStatus v, VirtioDeviceStatus bit, VirtioDeviceStatus before) =>
        VAssert.That((added & bit) == 0 || (v & before) != 0, $"status write {v} sets {bit} before {before}");

    /// <summary>§3.1.1 step 6: status is read back after FEATURES_OK; a refused FEATURES_OK stops initialization.</summary>
    [Checks(Ids.VirtioInitFeaturesOkRecheck)]
    public Property ReReadsFeaturesOk() => ForAll(Tup.Of(SubsetOf(Offerable), Gen.Elements(false, true)).ToArbitrary(), c =>
    {
        var (offered, refuse) = c;
        using var b = Bench(4, 0, offered, refuse: refuse);
        var layout = b.Initialize();
        var log = b.Transport.Log;
        int set = log.FindIndex(e => e.Op == TransportOp.StatusWrite && ((VirtioDeviceStatus)e.Value & VirtioDeviceStatus.FeaturesOk) != 0);
        VAssert.That(set >= 0, "the driver never wrote FEATURES_OK");
        int ok = log.FindIndex(set, e => e.Op == TransportOp.StatusWrite && ((VirtioDeviceStatus)e.Value & VirtioDeviceStatus.DriverOk) != 0);
        int read = log.FindIndex(set, e => e.Op == TransportOp.StatusRead);
        VAssert.That(read >= 0 && (ok < 0 || read < ok), "status was not read back between FEATURES_OK and DRIVER_OK");
        if (refuse)
        {
            VAssert.That(ok < 0, "the driver set DRIVER_OK although the device cleared FEATURES_OK");
            VAssert.That(layout is null, "Initialize reported success although the device refused FEATURES_OK");
        }
        else VAssert.That(layout is not null, "the driver gave up although the device kept FEATURES_OK");
    });

    /// <summary>§3.1.1 step 8 (SHOULD): FAILED when initialization cannot be completed (FEATURES_OK refused).</summary>
    [Checks(Ids.VirtioInitFailed)]
    public Property SetsFailedWhenRefused() => ForAll(SubsetOf(Offerable).ToArbitrary(), offered =>
    {
        using var b = Bench(4, 0, offered, refuse: true);
        b.Initialize();
        VAssert.That(Writes(b).Any(e => ((VirtioDeviceStatus)e.Value & VirtioDeviceStatus.Failed) != 0), "FAILED was never set after FEATURES_OK was refused");
    });

    /// <summary>§3.1.1 step 4: no config write before FEATURES_OK (reads are fine), through initialization and config reads.</summary>
    [Checks(Ids.VirtioInitNoConfigWrite)]
    public Property NoConfigWriteBeforeFeaturesOk() => ForAll(Tup.Of(SubsetOf(Offerable), Gen.Choose(0, 15), Gen.Choose(1, 16)).ToArbitrary(), c =>
    {
        using var b = Bench(2, 0, c.Item1);
        b.Ready();
        b.Call("ReadConfig", () => b.Driver.ReadConfig(c.Item2, Math.Min(c.Item3, 16 - c.Item2)));
        foreach (var e in b.Transport.Log.Where(e => e.Op == TransportOp.ConfigWrite))
            VAssert.That((e.StatusAt & VirtioDeviceStatus.FeaturesOk) != 0, $"config written with status {e.StatusAt}");
    });

    /// <summary>§3.1.1: no available-buffer notification before DRIVER_OK — nor ever, when initialization failed.</summary>
    [Checks(Ids.VirtioInitNoKickBeforeDriverOk)]
    public Property NoKickBeforeDriverOk() => ForAll(Tup.Of(SubsetOf(Offerable), Gen.Elements(false, true), Gen.Choose(1, 4)).ToArbitrary(), c =>
    {
        var (offered, refuse, adds) = c;
        using var b = Bench(4, 0, offered, refuse: refuse);
        if (!refuse) b.Ready(); else b.Initialize();
        for (int i = 0; i < adds; i++)
        {
            b.TryAdd([[1, 2, 3]], [8], out _);
            b.Call("Kick", b.Driver.Kick);
        }
        foreach (var e in b.Transport.Log.Where(e => e.Op == TransportOp.Kick))
            VAssert.That((e.StatusAt & VirtioDeviceStatus.DriverOk) != 0, $"kick with status {e.StatusAt}{(refuse ? " (FEATURES_OK was refused)" : "")}");
        if (!refuse) VAssert.That(b.Transport.Log.Any(e => e.Op == TransportOp.Kick), "the driver never notified the device of its buffers");
    });

    /// <summary>§2.1: SUSPEND only with VIRTIO_F_SUSPEND negotiated.</summary>
    [Checks(Ids.VirtioStatusSuspendNeedsFeature)]
    public Property SuspendOnlyWithTheFeature() => ForAll(SubsetOf(Offerable).ToArbitrary(), offered =>
    {
        using var b = Bench(2, 0, offered);
        b.Ready();
        b.TryAdd([[7]], [4], out _);
        foreach (var e in Writes(b).Where(e => ((VirtioDeviceStatus)e.Value & VirtioDeviceStatus.Suspend) != 0))
            VAssert.That(b.Has(VirtioSpec.VirtioFSuspend), $"SUSPEND written ({(VirtioDeviceStatus)e.Value}) without VIRTIO_F_SUSPEND negotiated");
    });

    /// <summary>§2.2.1: accept only offered bits the driver knows.</summary>
    [Checks(Ids.VirtioFeatDriverSubset)]
    public Property AcceptsOnlyOfferedKnownFeatures() => ForAll(SubsetOf(Offerable | 0xFFFFFF).ToArbitrary(), offered =>
    {
        using var b = Bench(2, 0, offered);
        b.Ready();
        foreach (var e in b.Transport.Log.Where(e => e.Op == TransportOp.FeaturesWrite))
        {
            VAssert.That((e.Value & ~offered) == 0, $"accepted 0x{e.Value:X} includes 0x{e.Value & ~offered:X}, which the device did not offer (0x{offered:X})");
            VAssert.That((e.Value & ~Adapter.KnownFeatures) == 0, $"accepted 0x{e.Value:X} includes 0x{e.Value & ~Adapter.KnownFeatures:X}, which the driver says it does not know");
        }
    });

    /// <summary>§2.2.1: never a feature without the features it depends on (the driver's declared dependencies).</summary>
    [Checks(Ids.VirtioFeatDriverDependency)]
    public Property RespectsFeatureDependencies() => ForAll(SubsetOf(Adapter.KnownFeatures | Adapter.FeatureDependencies.Aggregate(0UL, (a, d) => a | d.Feature | d.Requires)).ToArbitrary(), offered =>
    {
        using var b = Bench(2, 0, offered);
        b.Initialize();
        foreach (var e in b.Transport.Log.Where(e => e.Op == TransportOp.FeaturesWrite))
            foreach (var (feature, requires) in Adapter.FeatureDependencies)
                VAssert.That((e.Value & feature) == 0 || (e.Value & requires) == requires, $"accepted 0x{feature:X} without 0x{requires:X} (offered 0x{offered:X})");
    });

    /// <summary>§2.5.1 (SHOULD): a config read racing with device updates is repeated until config_generation is stable.</summary>
    [Checks(Ids.VirtioCfgGenerationLoop)]
    public Property ConfigReadsLoopOnGeneration() => ForAll(Tup.Of(Gen.Choose(1, 3), Gen.Choose(0, 8), Gen.Choose(2, 8)).ToArbitrary(), c =>
    {
        using var b = Bench(2, 0, VirtioSpec.VirtioFVersion1);
        b.Ready();
        b.Transport.RacingReads = c.Item1;
        var got = VAssert.Call("ReadConfig", () => b.Driver.ReadConfig(c.Item2, c.Item3));
        VAssert.Bytes(b.Transport.Config.AsSpan(c.Item2, c.Item3), got, $"config {c.Item2}+{c.Item3} after {c.Item1} racing update(s)");
    });
}
