using IsmSpec.Conformance.VirtioIsm;
using Xunit.Abstractions;
using static IsmSpec.Conformance.Tests.VirtioIsm.VirtioIsmMutants;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.Conformance.Tests.VirtioIsm;

/// <summary>Each mutant breaks one rule; the virtio-ism device run must fail exactly that requirement and name it.</summary>
public class VirtioIsmMutantTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Mutants => new()
    {
        { nameof(NotZeroed), Ids.VismAllocZero },
        { nameof(OversizeAccepted), Ids.VismAllocSizeLimit },
        { nameof(TokenZero), Ids.VismDecToken },
        { nameof(DenyOtherIgnored), Ids.VismDecDenyOther },
        { nameof(ReleasedWhileReferenced), Ids.VismDetachLastReference },
        { nameof(UnknownCommandOk), Ids.VismDecAckValues },
        { nameof(DetachOthers), Ids.VismDecDetachOwn },
        { nameof(AttachTwiceOk), Ids.VismDecAttachTwice },
        { nameof(EchoToWriter), Ids.VismDecUpdate },
    };

    private static Wrapped Make(string name, IVirtioIsmHost host) => name switch
    {
        nameof(NotZeroed) => new NotZeroed(host),
        nameof(OversizeAccepted) => new OversizeAccepted(host),
        nameof(TokenZero) => new TokenZero(host),
        nameof(DenyOtherIgnored) => new DenyOtherIgnored(host),
        nameof(ReleasedWhileReferenced) => new ReleasedWhileReferenced(host),
        nameof(UnknownCommandOk) => new UnknownCommandOk(host),
        nameof(DetachOthers) => new DetachOthers(host),
        nameof(AttachTwiceOk) => new AttachTwiceOk(host),
        nameof(EchoToWriter) => new EchoToWriter(host),
        _ => new Wrapped(host),
    };

    private ConformanceReport Run(IVirtioIsmDeviceAdapter adapter)
    {
        var report = new ConformanceRunner(new RunOptions()).Run(adapter.Name, VirtioIsmTargets.Suites(adapter));
        output.WriteLine(VirtioIsmReferenceConformanceTests.Text(report));
        return report;
    }

    [Theory, MemberData(nameof(Mutants))]
    public void Each_mutant_fails_exactly_its_requirement(string mutant, string requirement)
    {
        var report = Run(new Adapter(mutant, h => Make(mutant, h)));
        var failed = report.Results.Where(r => r.Status != RequirementStatus.Pass).ToList();
        Assert.True(failed.Count == 1 && failed[0].Requirement.Id == requirement, VirtioIsmReferenceConformanceTests.Text(report));
        Assert.Equal(RequirementStatus.Fail, failed[0].Status);
        Assert.NotNull(failed[0].Counterexample);
        Assert.NotNull(failed[0].Message);
        Assert.False(report.Passed);
    }

    [Fact]
    public void The_unmutated_wrapper_passes_so_each_failure_is_the_mutation()
    {
        var report = Run(new Adapter("none", h => new Wrapped(h)));
        Assert.True(report.Results.All(r => r.Status == RequirementStatus.Pass), VirtioIsmReferenceConformanceTests.Text(report));
    }
}
