using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.VirtioIsm;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// Common ground of the virtio-ism device properties: the adapter, what the device offers (probed once), feature-gated
/// applicability, fresh sessions (one host per generated case) and generators scaled to the device's region_size.
/// </summary>
public abstract class VirtioIsmSuite : ConformanceSuite
{
    private const ulong EventVq = VirtioIsmSpec.VirtioIsmFEventVq, EventIrq = VirtioIsmSpec.VirtioIsmFEventIrq;
    private readonly Lazy<Caps> _caps;

    protected VirtioIsmSuite(IVirtioIsmDeviceAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        Adapter = adapter;
        _caps = new Lazy<Caps>(Probe);
    }

    public IVirtioIsmDeviceAdapter Adapter { get; }
    public override ISpecInfo Spec => VirtioIsmSpec.Instance;

    /// <summary>Device requirements whose events need a feature: EVENT_VQ and/or EVENT_IRQ (any of the mask, or all with <c>All</c>).</summary>
    private static readonly Dictionary<string, (ulong Mask, bool All)> Gates = new()
    {
        [Ids.VismEventNotifyPeers] = (EventVq | EventIrq, false),   // statement 3: "an event feature is negotiated"
        [Ids.VismInitNotifyShm] = (EventVq | EventIrq, false),      // statement 7
        [Ids.VismDecUpdate] = (EventVq | EventIrq, false),
        [Ids.VismDecUpdateCoalesce] = (EventVq, false),             // reports on the eventq coalesce
        [Ids.VismEventVectorBind] = (EventIrq, false),              // statement 27
        [Ids.VismDecEventRoute] = (EventVq | EventIrq, true),       // the route between both needs both
    };

    public override bool Covers(Requirement requirement) => requirement.Role == RequirementRole.Device;

    public override string? NotApplicableReason(Requirement requirement)
    {
        if (!requirement.IsMandatory) return $"{requirement.LevelText}: a permission, nothing to check";
        if (!Gates.TryGetValue(requirement.Id, out var gate)) return null;
        ulong offered = _caps.Value.Features & gate.Mask;
        bool applies = gate.All ? offered == gate.Mask : offered != 0;
        return applies ? null : $"the device does not offer {(gate.All ? "both " : "")}{FeatureNames(gate.Mask, gate.All)}";
    }

    private static string FeatureNames(ulong mask, bool all) =>
        string.Join(all ? " and " : " or ", VirtioIsmSpec.FeatureTable.Where(f => (mask >> f.Bit & 1) != 0).Select(f => f.Name));

    /// <summary>What one fresh guest of the device reports; zeros when the adapter cannot even make one (its properties then fail).</summary>
    internal sealed record Caps(ulong Features, ulong RegionSize, int Slots, int Window, int Vectors);

    internal Caps Device => _caps.Value;

    private Caps Probe()
    {
        try
        {
            using var s = new VismSession(Adapter, new VirtioIsmHostRequest());
            var raw = s.Host.AddGuest();
            var g = s.Open(raw, 0, "probe");
            return new Caps(raw.OfferedFeatures, g.Config.RegionSize, s.Slots(g), s.Host.MaxReferencesPerDevice, s.Host.VectorCount);
        }
        catch (Exception)
        {
            return new Caps(0, 4096, 1, 1, 1);
        }
    }

    /// <summary>A fresh host for one generated case.</summary>
    internal VismSession Open(VirtioIsmHostRequest? request = null) => new(Adapter, request ?? new VirtioIsmHostRequest());

    /// <summary>The event features the device offers (what the event properties negotiate).</summary>
    internal ulong EventFeatures => Device.Features & (EventVq | EventIrq);

    /// <summary>FsCheck over generated cases; the body throws <see cref="ConformanceViolation"/> (via <see cref="VismAssert"/>) to fail.</summary>
    protected static Property ForAll<T>(Arbitrary<T> cases, Action<T> body) => Prop.ForAll(cases, body);

    /// <summary>Integers in [lo, hi] that shrink towards lo.</summary>
    protected static Arbitrary<int> Ints(int lo, int hi) =>
        Arb.From(Gen.Choose(lo, hi), x => new[] { lo, lo + (x - lo) / 2, x - 1 }.Where(v => v >= lo && v < x).Distinct());

    /// <summary>Region sizes 1..region_size, shrinking towards 1.</summary>
    internal Arbitrary<ulong> Sizes() =>
        Arb.From(Gen.Frequency((1, Gen.Constant(Device.RegionSize)), (4, Gen.Choose(1, (int)Math.Min(Device.RegionSize, int.MaxValue)).Select(x => (ulong)x))),
            x => new[] { 1UL, x / 2 }.Where(v => v >= 1 && v < x).Distinct());

    /// <summary>64-bit tokens (random, small and edge values).</summary>
    internal static Gen<ulong> Tokens() =>
        Gen.Frequency((4, ArbMap.Default.GeneratorFor<ulong>()), (1, Gen.Elements(0UL, 1UL, ulong.MaxValue)), (1, Gen.Choose(0, 64).Select(x => (ulong)x)));

    /// <summary>Permission masks over READ, WRITE, ATTACH and MANAGE, optionally with DENY_OTHER.</summary>
    internal static Gen<VirtioIsmPerm> Rights(bool denyOther = false) => Gen.Choose(0, denyOther ? 31 : 15).Select(x => (VirtioIsmPerm)(ulong)x);

    /// <summary>Bytes that are never all zero (so a copy is visible).</summary>
    internal static byte[] Pattern(int length, int seed) =>
        Enumerable.Range(0, length).Select(i => (byte)(1 + (i * 31 + seed * 7) % 255)).ToArray();

    /// <summary>True when <paramref name="g"/> was told about the region at <paramref name="offset"/> (eventq message or its vector fired).</summary>
    internal static bool Told(VismGuest g, ulong offset, int vector = -1, long before = 0) =>
        g.EventqUpdates().Contains(offset) | (vector >= 0 && g.Raw.VectorCount(vector) > before);
}
