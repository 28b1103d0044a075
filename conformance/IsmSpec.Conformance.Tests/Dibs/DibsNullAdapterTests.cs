using IsmSpec.Conformance.Dibs;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.Dibs;

public class DibsNullAdapterTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_applicable_requirement_fails_against_the_do_nothing_stub_and_none_crashes()
    {
        var report = new ConformanceRunner(new RunOptions()).Run("dibs-null", DibsTargets.Suites(new NullDibsAdapter()));
        var text = DibsLoopbackConformanceTests.Text(report);
        output.WriteLine(text);
        Assert.All(report.Results, r => Assert.True(r.Status is RequirementStatus.Fail or RequirementStatus.NotApplicable, $"{r.Requirement.Id}: {r.Status}\n{text}"));
        Assert.Contains(report.Results, r => r.Status == RequirementStatus.Fail);
        Assert.All(report.Results.Where(r => r.Requirement.Id.StartsWith("DIBS-LO-")), r => Assert.Equal(RequirementStatus.NotApplicable, r.Status));
        Assert.All(report.Results.Where(r => r.Status == RequirementStatus.Fail), r => Assert.Equal(1, r.TestsRun));
        Assert.False(report.Passed);
    }

    [Fact]
    public void The_built_in_target_names_the_reference_loopback()
    {
        var target = Assert.Single(TargetLoader.Resolve("dibs-loopback", DibsTargets.BuiltIn));
        Assert.Equal("dibs-loopback", target.Name);
        Assert.Equal(3, target.CreateSuites().Count());
    }
}
