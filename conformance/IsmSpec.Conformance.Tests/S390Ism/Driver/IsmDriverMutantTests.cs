using IsmSpec.Conformance.S390Ism;
using IsmSpec.Conformance.Tests.Dibs;
using Xunit.Abstractions;
using static IsmSpec.Conformance.Tests.S390Ism.Driver.IsmDriverMutants;
using Ids = IsmSpec.Specs.S390Ism.S390IsmSpec.Ids;

namespace IsmSpec.Conformance.Tests.S390Ism.Driver;

/// <summary>Each mutant driver breaks one rule; the full driver run must fail exactly that requirement and name it.</summary>
[Collection(IsmCollection.Name)]
public class IsmDriverMutantTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Mutants => new()
    {
        { nameof(LoadsAfterFailure), Ids.IsmCmdStoreSequence },
        { nameof(SfOnEveryChunk), Ids.IsmMoveSfLast },
        { nameof(ChunkCrosses4K), Ids.IsmMoveChunk4K },
        { nameof(OwnerBeforeSuccess), Ids.IsmRegDmbResult },
        { nameof(BufDevSwapped), Ids.IsmIeqEventMapping },
        { nameof(UnregErrorNotTolerated), Ids.IsmInitFailureEio },
    };

    private static Mutant Make(string name) => name switch
    {
        nameof(LoadsAfterFailure) => new LoadsAfterFailure(),
        nameof(SfOnEveryChunk) => new SfOnEveryChunk(),
        nameof(ChunkCrosses4K) => new ChunkCrosses4K(),
        nameof(OwnerBeforeSuccess) => new OwnerBeforeSuccess(),
        nameof(BufDevSwapped) => new BufDevSwapped(),
        nameof(UnregErrorNotTolerated) => new UnregErrorNotTolerated(),
        _ => new Mutant("unmutated shim"),
    };

    private ConformanceReport Run(Mutant driver, RunOptions? options = null)
    {
        var report = new ConformanceRunner(options ?? new RunOptions()).Run(driver.Name, IsmTargets.Suites(driver));
        output.WriteLine(DibsLoopbackConformanceTests.Text(report));
        return report;
    }

    [Theory, MemberData(nameof(Mutants))]
    public void Each_mutant_fails_exactly_its_requirement(string mutant, string requirement)
    {
        var report = Run(Make(mutant));
        var failed = report.Results.Where(r => r.Status != RequirementStatus.Pass).ToList();
        Assert.True(failed.Count == 1 && failed[0].Requirement.Id == requirement, DibsLoopbackConformanceTests.Text(report));
        Assert.Equal(RequirementStatus.Fail, failed[0].Status);
        Assert.False(string.IsNullOrEmpty(failed[0].Message));
        Assert.NotNull(failed[0].Counterexample);
        Assert.False(report.Passed);
    }

    [Fact]
    public void The_unmutated_shim_passes_so_each_failure_is_the_mutation()
    {
        var report = Run(Make("none"));
        Assert.True(report.Passed, DibsLoopbackConformanceTests.Text(report));
        Assert.All(report.Results, r => Assert.Equal(RequirementStatus.Pass, r.Status));
    }

    [Fact]
    public void A_failing_property_replays_with_the_same_seed()
    {
        var options = new RunOptions(Seed: 42, Filter: Ids.IsmMoveChunk4K);
        var a = Assert.Single(Run(new ChunkCrosses4K(), options).Results);
        var b = Assert.Single(Run(new ChunkCrosses4K(), options).Results);
        Assert.Equal(RequirementStatus.Fail, a.Status);
        Assert.Equal(42UL, a.Replay);
        Assert.Equal(a.Counterexample, b.Counterexample);
        Assert.Equal(a.Message, b.Message);
    }
}
