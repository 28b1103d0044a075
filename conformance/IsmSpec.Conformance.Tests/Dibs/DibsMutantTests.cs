using IsmSpec.Conformance.Dibs;
using IsmSpec.Specs.Dibs;
using Xunit.Abstractions;
using static IsmSpec.Conformance.Tests.Dibs.DibsMutants;

namespace IsmSpec.Conformance.Tests.Dibs;

/// <summary>Each mutant breaks one rule; the full DIBS run must fail exactly that requirement and name it.</summary>
public class DibsMutantTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Mutants => new()
    {
        { nameof(NotZeroed), DibsSpec.Ids.DibsDevRegisterZero },
        { nameof(MovePastEnd), DibsSpec.Ids.DibsLoMoveBounds },
        { nameof(SilentEmptyWrite), DibsSpec.Ids.DibsLoSignalZeroSize },
        { nameof(UnrotatedMask), DibsSpec.Ids.DibsLoSignalMask },
        { nameof(HighestIndex), DibsSpec.Ids.DibsLoLowestIndex },
        { nameof(StaleOwnerAfterDetach), DibsSpec.Ids.DibsLoDetachClearsOwner },
        { nameof(AttachDmaAddr), DibsSpec.Ids.DibsLoDmaAddrAllOnes },
    };

    private static WrappedLoopback Make(string name) => name switch
    {
        nameof(NotZeroed) => new NotZeroed(),
        nameof(MovePastEnd) => new MovePastEnd(),
        nameof(SilentEmptyWrite) => new SilentEmptyWrite(),
        nameof(UnrotatedMask) => new UnrotatedMask(),
        nameof(HighestIndex) => new HighestIndex(),
        nameof(StaleOwnerAfterDetach) => new StaleOwnerAfterDetach(),
        nameof(AttachDmaAddr) => new AttachDmaAddr(),
        _ => new WrappedLoopback(),
    };

    private ConformanceReport Run(IDibsDeviceAdapter adapter)
    {
        var report = new ConformanceRunner(new RunOptions()).Run(adapter.Name, DibsTargets.Suites(adapter));
        output.WriteLine(DibsLoopbackConformanceTests.Text(report));
        return report;
    }

    [Theory, MemberData(nameof(Mutants))]
    public void Each_mutant_fails_exactly_its_requirement(string mutant, string requirement)
    {
        var report = Run(new Adapter($"mutant {mutant}", () => Make(mutant)));
        var failed = report.Results.Where(r => r.Status != RequirementStatus.Pass && r.Status != RequirementStatus.NotApplicable).ToList();
        Assert.True(failed.Count == 1 && failed[0].Requirement.Id == requirement, DibsLoopbackConformanceTests.Text(report));
        Assert.Equal(RequirementStatus.Fail, failed[0].Status);
        Assert.NotNull(failed[0].Counterexample);
        Assert.NotNull(failed[0].Message);
        Assert.False(report.Passed);
    }

    [Fact]
    public void The_unmutated_wrapper_passes_so_each_failure_is_the_mutation()
    {
        var report = Run(new Adapter("wrapped loopback", () => new WrappedLoopback()));
        Assert.True(report.Passed, DibsLoopbackConformanceTests.Text(report));
        Assert.DoesNotContain(report.Results, r => r.Status is RequirementStatus.NotCovered);
    }

    [Fact]
    public void A_device_of_another_kind_is_checked_against_the_generic_contract_only()
    {
        var report = Run(new Adapter("wrapped as Other", () => new WrappedLoopback(), DibsDeviceKind.Other));
        var fabric = report.Results.Single(r => r.Requirement.Id == DibsSpec.Ids.DibsDevFabricId);
        // A device reporting 0xFFFF is a loopback (rule 12): declared as another kind, it fails exactly that.
        Assert.Equal(RequirementStatus.Fail, fabric.Status);
        Assert.All(report.Results.Where(r => r.Requirement.Id.StartsWith("DIBS-LO-")), r => Assert.Equal(RequirementStatus.NotApplicable, r.Status));
        Assert.Equal([DibsSpec.Ids.DibsDevFabricId], report.Results.Where(r => r.Status == RequirementStatus.Fail).Select(r => r.Requirement.Id));
    }
}
