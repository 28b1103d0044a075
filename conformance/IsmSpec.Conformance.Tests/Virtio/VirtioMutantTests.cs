using IsmSpec.Conformance.Tests.Dibs;
using IsmSpec.Conformance.Virtio;
using Xunit.Abstractions;
using Ids = IsmSpec.Specs.Virtio.VirtioSpec.Ids;
using D = IsmSpec.Conformance.Tests.Virtio.VirtioDriverMutants;
using M = IsmSpec.Conformance.Tests.Virtio.VirtioMutants;

namespace IsmSpec.Conformance.Tests.Virtio;

/// <summary>Each mutant breaks one rule; the full virtio run (device and driver suites) must fail exactly that requirement.</summary>
public class VirtioMutantTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Mutants => new()
    {
        { nameof(M.IdxBeforeLen), Ids.VirtqUsedLenBeforeIdx },
        { nameof(M.ScribblesReadable), Ids.VirtqDeviceNoWriteReadable },
        { nameof(M.ClearsDescriptor), Ids.VirtqDeviceNoWriteDescTable },
        { nameof(M.EventIdxOffByOne), Ids.VirtqEventIdxNotify },
        { nameof(M.ConfigHiddenEarly), Ids.VirtioCfgReadableEarly },
        { nameof(M.StickyNeedsReset), Ids.VirtioStatusResetZero },
        { nameof(D.RewindsAvailIdx), Ids.VirtqAvailIdxNoDecrement },
        { nameof(D.NoInterruptFlagWithEventIdx), Ids.VirtqEventIdxFlagsZero },
        { nameof(D.DriverOkBeforeFeaturesOk), Ids.VirtioInitOrder },
        { nameof(D.AcceptsUnoffered), Ids.VirtioFeatDriverSubset },
        { nameof(D.KicksEarly), Ids.VirtioInitNoKickBeforeDriverOk },
        { nameof(D.TrustsFeaturesOk), Ids.VirtioInitFeaturesOkRecheck },
    };

    private static (IVirtioDeviceUnderTest, IVirtioDriverUnderTest) Make(string name) => name switch
    {
        nameof(M.IdxBeforeLen) => (new M.IdxBeforeLen(), new ReferenceVirtioDriver()),
        nameof(M.ScribblesReadable) => (new M.ScribblesReadable(), new ReferenceVirtioDriver()),
        nameof(M.ClearsDescriptor) => (new M.ClearsDescriptor(), new ReferenceVirtioDriver()),
        nameof(M.EventIdxOffByOne) => (new M.EventIdxOffByOne(), new ReferenceVirtioDriver()),
        nameof(M.ConfigHiddenEarly) => (new M.ConfigHiddenEarly(), new ReferenceVirtioDriver()),
        nameof(M.StickyNeedsReset) => (new M.StickyNeedsReset(), new ReferenceVirtioDriver()),
        nameof(D.RewindsAvailIdx) => (new ReferenceVirtioDevice(), new D.RewindsAvailIdx()),
        nameof(D.NoInterruptFlagWithEventIdx) => (new ReferenceVirtioDevice(), new D.NoInterruptFlagWithEventIdx()),
        nameof(D.DriverOkBeforeFeaturesOk) => (new ReferenceVirtioDevice(), new D.DriverOkBeforeFeaturesOk()),
        nameof(D.AcceptsUnoffered) => (new ReferenceVirtioDevice(), new D.AcceptsUnoffered()),
        nameof(D.KicksEarly) => (new ReferenceVirtioDevice(), new D.KicksEarly()),
        nameof(D.TrustsFeaturesOk) => (new ReferenceVirtioDevice(), new D.TrustsFeaturesOk()),
        _ => (new M.Device(), new D.Driver()),
    };

    private ConformanceReport Run(string name)
    {
        var (device, driver) = Make(name);
        var report = new ConformanceRunner(new RunOptions()).Run(name, VirtioTargets.Suites(device, driver));
        output.WriteLine(DibsLoopbackConformanceTests.Text(report));
        return report;
    }

    [Theory, MemberData(nameof(Mutants))]
    public void Each_mutant_fails_exactly_its_requirement(string mutant, string requirement)
    {
        var report = Run(mutant);
        var text = DibsLoopbackConformanceTests.Text(report);
        var failed = report.Results.Where(r => r.Status is not (RequirementStatus.Pass or RequirementStatus.NotApplicable)).ToList();
        Assert.True(failed.Count == 1 && failed[0].Requirement.Id == requirement, text);
        Assert.Equal(RequirementStatus.Fail, failed[0].Status);
        Assert.NotNull(failed[0].Counterexample);
        Assert.False(report.Passed);
    }

    [Fact]
    public void The_unmutated_wrappers_pass_so_each_failure_is_the_mutation()
    {
        var report = Run("wrapped reference");
        Assert.True(report.Passed, DibsLoopbackConformanceTests.Text(report));
    }

    [Fact]
    public void A_failing_property_replays_with_the_same_seed()
    {
        var options = new RunOptions(Seed: 7, Filter: Ids.VirtqEventIdxNotify);
        var a = Assert.Single(new ConformanceRunner(options).Run("m", VirtioTargets.Suites(new M.EventIdxOffByOne(), new ReferenceVirtioDriver())).Results);
        var b = Assert.Single(new ConformanceRunner(options).Run("m", VirtioTargets.Suites(new M.EventIdxOffByOne(), new ReferenceVirtioDriver())).Results);
        Assert.Equal(RequirementStatus.Fail, a.Status);
        Assert.Equal(a.Counterexample, b.Counterexample);
        output.WriteLine($"{a.Message}\n{a.Counterexample}");
    }
}
