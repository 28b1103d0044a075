using IsmSpec.Conformance.S390Ism;
using IsmSpec.Conformance.Tests.Dibs;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.S390Ism;

public class IsmNullAdapterTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_requirement_fails_against_the_do_nothing_stub_and_none_crashes()
    {
        var report = new ConformanceRunner(new RunOptions()).Run("s390-ism-null", IsmTargets.Suites(new NullIsmAdapter()));
        var text = DibsLoopbackConformanceTests.Text(report);
        output.WriteLine(text);
        Assert.NotEmpty(report.Results);
        Assert.All(report.Results, r => Assert.True(r.Status == RequirementStatus.Fail, $"{r.Requirement.Id}: {r.Status}\n{text}"));
        Assert.All(report.Results, r => Assert.False(string.IsNullOrEmpty(r.Message), $"{r.Requirement.Id} failed without a message\n{text}"));
        Assert.False(report.Passed);
    }
}
