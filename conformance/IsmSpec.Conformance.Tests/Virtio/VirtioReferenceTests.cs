using System.Diagnostics;
using IsmSpec.Codecs;
using IsmSpec.Conformance.Virtio;
using IsmSpec.Conformance.Tests.Dibs;
using IsmSpec.Specs.Virtio;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.Virtio;

public class VirtioReferenceTests(ITestOutputHelper output)
{
    [Fact]
    public void The_reference_split_ring_passes_every_device_and_driver_must_in_under_ten_seconds()
    {
        var clock = Stopwatch.StartNew();
        var report = new ConformanceRunner(new RunOptions()).Run("virtio-split-ring", VirtioTargets.BuiltIn["virtio-split-ring"]().CreateSuites());
        clock.Stop();
        var text = DibsLoopbackConformanceTests.Text(report);
        output.WriteLine(text);

        var mandatory = report.Results.Where(r => r.Requirement.IsMandatory).ToList();
        Assert.DoesNotContain(mandatory, r => r.Status is RequirementStatus.Fail or RequirementStatus.Error or RequirementStatus.NotCovered);
        // The reference driver declares no feature dependencies, and the catalog declares none between transport bits.
        Assert.Equal([VirtioSpec.Ids.VirtioFeatDriverDependency], mandatory.Where(r => r.Status != RequirementStatus.Pass).Select(r => r.Requirement.Id));
        Assert.Equal(VirtioSpec.Requirements.Select(r => r.Id).Order(), report.Results.Select(r => r.Requirement.Id).Order());
        Assert.All(report.Results.Where(r => !r.Requirement.IsMandatory), r => Assert.Equal(RequirementStatus.NotApplicable, r.Status));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the run took {clock.Elapsed.TotalSeconds:F1} s\n{text}");
    }

    [Fact]
    public void With_recommendations_on_the_reference_also_follows_every_should()
    {
        var report = new ConformanceRunner(new RunOptions(MaxTests: 30)).Run("virtio-split-ring",
            VirtioTargets.Suites(new ReferenceVirtioDevice(), new ReferenceVirtioDriver(), checkRecommendations: true));
        var text = DibsLoopbackConformanceTests.Text(report);
        output.WriteLine(text);
        var shoulds = report.Results.Where(r => r.Requirement.Level is RequirementLevel.Should or RequirementLevel.ShouldNot).ToList();
        Assert.Equal(4, shoulds.Count);
        Assert.All(shoulds, r => Assert.True(r.Status == RequirementStatus.Pass, text));
        Assert.True(report.Passed, text);
    }

    [Fact]
    public void Every_must_of_both_roles_has_a_property_and_the_target_is_built_in()
    {
        var suites = VirtioTargets.Suites(new ReferenceVirtioDevice(), new ReferenceVirtioDriver());
        Assert.Empty(Coverage.Gaps(suites));
        Assert.All(VirtioSpec.Requirements, r => Assert.Single(suites, s => s.Covers(r)));
        Assert.True(ReferenceTargets.All.ContainsKey("virtio-split-ring"));
        var target = Assert.Single(TargetLoader.Resolve("virtio-split-ring", ReferenceTargets.All));
        Assert.Equal(2, target.CreateSuites().Count());
    }
}
