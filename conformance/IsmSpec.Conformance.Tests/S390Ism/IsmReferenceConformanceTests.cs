using System.Diagnostics;
using IsmSpec.Codecs;
using IsmSpec.Conformance.S390Ism;
using IsmSpec.Conformance.Tests.Dibs;
using IsmSpec.Specs.S390Ism;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.S390Ism;

[Collection(IsmCollection.Name)]
public class IsmReferenceConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void The_reference_function_passes_every_device_must_in_under_ten_seconds()
    {
        var clock = Stopwatch.StartNew();
        var report = new ConformanceRunner(new RunOptions()).Run("s390-ism", IsmTargets.BuiltIn["s390-ism"]().CreateSuites());
        clock.Stop();
        var text = DibsLoopbackConformanceTests.Text(report);
        output.WriteLine(text);

        Assert.All(report.Results, r => Assert.True(r.Status == RequirementStatus.Pass, $"{r.Requirement.Id}: {r.Status}\n{text}"));
        var device = S390IsmSpec.Requirements.Where(r => r.Role == RequirementRole.Device).Select(r => r.Id).Order();
        Assert.Equal(device, report.Results.Select(r => r.Requirement.Id).Order());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the s390 ISM run took {clock.Elapsed.TotalSeconds:F1} s\n{text}");
    }

    [Fact]
    public void Only_driver_obligations_are_left_to_other_suites()
    {
        var suites = IsmTargets.Suites(new S390IsmAdapter());
        var gaps = Coverage.Gaps(suites).Select(g => g.Requirement).ToList();
        Assert.NotEmpty(gaps);
        Assert.All(gaps, r => Assert.Equal(RequirementRole.Driver, r.Role));
        Assert.DoesNotContain(suites, s => S390IsmSpec.Requirements.Any(r => r.Role == RequirementRole.Driver && s.Covers(r)));
    }

    [Fact]
    public void Every_device_requirement_has_its_own_property()
    {
        var ids = ConformanceRunner.CheckedIds(typeof(IsmDeviceSuite)).ToHashSet();
        Assert.All(S390IsmSpec.Requirements.Where(r => r.Role == RequirementRole.Device), r => Assert.Contains(r.Id, ids));
    }

    [Fact]
    public void The_built_in_target_is_registered_with_the_reference_targets()
    {
        var target = Assert.Single(TargetLoader.Resolve("s390-ism", ReferenceTargets.All));
        Assert.Equal("s390-ism", target.Name);
        Assert.IsType<IsmDeviceSuite>(Assert.Single(target.CreateSuites()));
    }
}

/// <summary>The timed reference run and the mutant runs share the CPU badly; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class IsmCollection
{
    public const string Name = "s390-ism conformance runs";
}
