using IsmSpec.Conformance.VirtioIsm;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.VirtioIsm;

public class VirtioIsmNullAdapterTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_applicable_requirement_fails_against_the_do_nothing_stub_and_none_crashes()
    {
        var report = new ConformanceRunner(new RunOptions()).Run("virtio-ism-null", VirtioIsmTargets.Suites(new NullVirtioIsmAdapter()));
        var text = VirtioIsmReferenceConformanceTests.Text(report);
        output.WriteLine(text);
        Assert.All(report.Results, r => Assert.True(r.Status is RequirementStatus.Fail or RequirementStatus.NotApplicable, $"{r.Requirement.Id}: {r.Status}\n{text}"));
        Assert.Equal(6, report.Count(RequirementStatus.NotApplicable));        // the event rules: the stub offers no feature
        Assert.Equal(36, report.Count(RequirementStatus.Fail));
        Assert.All(report.Results.Where(r => r.Status == RequirementStatus.Fail), r => Assert.Equal(1, r.TestsRun));
        Assert.False(report.Passed);
    }

    [Fact]
    public void The_built_in_target_names_the_reference_device_and_driver()
    {
        var target = Assert.Single(TargetLoader.Resolve("virtio-ism", ReferenceTargets.All));
        Assert.Equal("virtio-ism", target.Name);
        Assert.Equal(["virtio-ism device (virtio-ism)", "virtio-ism driver (virtio-ism reference driver)"], target.CreateSuites().Select(s => s.Name));
    }
}
