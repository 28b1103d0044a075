using IsmSpec.Conformance.Tests.Dibs;
using IsmSpec.Conformance.Virtio;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.Virtio;

public class VirtioNullTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_applicable_requirement_fails_against_the_do_nothing_stubs_and_none_crashes()
    {
        var report = new ConformanceRunner(new RunOptions()).Run("virtio-null", VirtioTargets.Suites(new NullVirtioDevice(), new NullVirtioDriver()));
        var text = DibsLoopbackConformanceTests.Text(report);
        output.WriteLine(text);
        Assert.All(report.Results, r => Assert.True(r.Status is RequirementStatus.Fail or RequirementStatus.NotApplicable, $"{r.Requirement.Id}: {r.Status}\n{text}"));
        Assert.All(report.Results.Where(r => r.Requirement.IsMandatory && r.Status == RequirementStatus.NotApplicable), r => Assert.NotNull(r.Message));
        Assert.True(report.Count(RequirementStatus.Fail) >= 15, text);
        Assert.False(report.Passed);
    }
}
