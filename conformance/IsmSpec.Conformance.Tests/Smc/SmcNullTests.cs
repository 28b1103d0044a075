using IsmSpec.Conformance.Smc;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.Smc;

public class SmcNullTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_applicable_requirement_fails_against_the_do_nothing_stub_and_none_is_an_error()
    {
        var report = SmcReferenceTests.Run(new NullSmcdClient(), new RunOptions(MaxTests: 10));
        var text = SmcReferenceTests.Text(report);
        output.WriteLine(text);
        Assert.All(report.Results, r => Assert.True(r.Status is RequirementStatus.Fail or RequirementStatus.NotApplicable, $"{r.Requirement.Id}: {r.Status}\n{text}"));
        Assert.All(report.Results.Where(r => r.Status == RequirementStatus.Fail), r => Assert.False(string.IsNullOrEmpty(r.Message)));
        Assert.False(report.Passed);
    }
}
