using IsmSpec.Conformance.S390Ism;
using IsmSpec.Conformance.Tests.Dibs;
using Xunit.Abstractions;
using static IsmSpec.Conformance.Tests.S390Ism.IsmMutants;
using Ids = IsmSpec.Specs.S390Ism.S390IsmSpec.Ids;

namespace IsmSpec.Conformance.Tests.S390Ism;

/// <summary>Each mutant breaks one rule; the full s390 ISM device run must fail exactly that requirement and name it.</summary>
[Collection(IsmCollection.Name)]
public class IsmMutantTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Mutants => new()
    {
        { nameof(ResponseLenLittleEndian), Ids.IsmByteOrderBe },
        { nameof(UnknownCommandOk), Ids.IsmDevRetCodes },
        { nameof(SbaBitNotSet), Ids.IsmSignalSbaUpdate },
        { nameof(WrongDmbeBit), Ids.IsmDevDmbeMask },
        { nameof(IeqIdxStuck), Ids.IsmIeqLayoutIdx },
        { nameof(StorePastEnd), Ids.IsmDevMoveChecks },
        { nameof(CoalescedInterrupts), Ids.IsmDevIrq },
    };

    private static Spy Make(string name) => name switch
    {
        nameof(ResponseLenLittleEndian) => new ResponseLenLittleEndian(),
        nameof(UnknownCommandOk) => new UnknownCommandOk(),
        nameof(SbaBitNotSet) => new SbaBitNotSet(),
        nameof(WrongDmbeBit) => new WrongDmbeBit(),
        nameof(IeqIdxStuck) => new IeqIdxStuck(),
        nameof(StorePastEnd) => new StorePastEnd(),
        nameof(CoalescedInterrupts) => new CoalescedInterrupts(),
        _ => new Spy(),
    };

    private ConformanceReport Run(IIsmFunctionAdapter adapter)
    {
        var report = new ConformanceRunner(new RunOptions()).Run(adapter.Name, IsmTargets.Suites(adapter));
        output.WriteLine(DibsLoopbackConformanceTests.Text(report));
        return report;
    }

    [Theory, MemberData(nameof(Mutants))]
    public void Each_mutant_fails_exactly_its_requirement(string mutant, string requirement)
    {
        var report = Run(new Named($"mutant {mutant}", Make(mutant)));
        var failed = report.Results.Where(r => r.Status != RequirementStatus.Pass).ToList();
        Assert.True(failed.Count == 1 && failed[0].Requirement.Id == requirement, DibsLoopbackConformanceTests.Text(report));
        Assert.Equal(RequirementStatus.Fail, failed[0].Status);
        Assert.NotNull(failed[0].Counterexample);
        Assert.NotNull(failed[0].Message);
        Assert.False(report.Passed);
    }

    [Fact]
    public void The_unmutated_spy_passes_so_each_failure_is_the_mutation()
    {
        var report = Run(new Spy());
        Assert.True(report.Passed, DibsLoopbackConformanceTests.Text(report));
        Assert.All(report.Results, r => Assert.Equal(RequirementStatus.Pass, r.Status));
    }

    [Fact]
    public void A_failing_property_replays_with_the_same_seed()
    {
        var options = new RunOptions(Seed: 99, Filter: Ids.IsmDevMoveChecks);
        var a = Assert.Single(new ConformanceRunner(options).Run("m", IsmTargets.Suites(new StorePastEnd())).Results);
        var b = Assert.Single(new ConformanceRunner(options).Run("m", IsmTargets.Suites(new StorePastEnd())).Results);
        Assert.Equal(RequirementStatus.Fail, a.Status);
        Assert.Equal(99UL, a.Replay);
        Assert.Equal(a.Counterexample, b.Counterexample);
    }
}
