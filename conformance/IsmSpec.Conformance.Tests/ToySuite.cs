using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;

namespace IsmSpec.Conformance.Tests;

/// <summary>A synthetic spec and suite whose outcomes are known: the framework's own fixture.</summary>
internal sealed class ToySpec : ISpecInfo
{
    public static readonly ToySpec Instance = new();
    public string Name => "toy";
    public int Version => 1;
    public IReadOnlyList<Requirement> Requirements { get; } =
    [
        new("TOY-PASS", "toy", 1, RequirementRole.Device, RequirementLevel.Must, "1", "sums of small numbers stay non-negative"),
        new("TOY-FAIL", "toy", 1, RequirementRole.Device, RequirementLevel.Must, "2", "no byte array contains 0x42 (false: the suite must find one)"),
        new("TOY-VOID", "toy", 1, RequirementRole.Driver, RequirementLevel.MustNot, "3", "a deterministic check that throws a violation"),
        new("TOY-UNTESTABLE", "toy", 1, RequirementRole.Device, RequirementLevel.Must, "4", "cannot be observed", Untestable: "nothing visible"),
        new("TOY-FEATURE", "toy", 1, RequirementRole.Device, RequirementLevel.Should, "5", "only with the fast feature", Feature: "TOY_F_FAST"),
        new("TOY-GAP", "toy", 1, RequirementRole.Device, RequirementLevel.Must, "6", "nobody wrote a property for this yet"),
        new("TOY-CRASH", "toy", 1, RequirementRole.Layer, RequirementLevel.May, "7", "the adapter blows up"),
    ];
    public IReadOnlyList<FeatureInfo> Features { get; } = [new("TOY_F_FAST", 0)];
    public IReadOnlyList<NamedValue> DeviceIds { get; } = [];
    public IReadOnlyList<Type> WireTypes { get; } = [];
    public IReadOnlyList<CommandDescriptor> Commands { get; } = [];
}

internal sealed class ToySuite(bool offersFast = false) : ConformanceSuite
{
    public override ISpecInfo Spec => ToySpec.Instance;

    public override string? NotApplicableReason(Requirement requirement) =>
        requirement.Feature == "TOY_F_FAST" && !offersFast ? "the device does not offer TOY_F_FAST" : null;

    [Checks("TOY-PASS")]
    public Property SmallSums() => Prop.ForAll(Gen.Choose(0, 100).ToArbitrary(), Gen.Choose(0, 100).ToArbitrary(), (a, b) => a + b >= 0);

    [Checks("TOY-FAIL")]
    public Property NoMagicByte() =>
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), (byte[] bytes) => !bytes.Contains((byte)0x42));

    [Checks("TOY-VOID")]
    public void DeterministicViolation() => throw new ConformanceViolation("the device acked an unknown command", "class 9 command 9");

    [Checks("TOY-FEATURE")]
    public bool FastPath() => true;

    [Checks("TOY-CRASH")]
    public void AdapterCrash() => throw new InvalidOperationException("adapter not connected");
}
