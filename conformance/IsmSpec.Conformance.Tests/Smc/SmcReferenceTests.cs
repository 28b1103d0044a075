using System.Diagnostics;
using IsmSpec.Codecs;
using IsmSpec.Conformance.Smc;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.Smc;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.Smc;

/// <summary>The reference SMC-D client (src/IsmSpec.Smc) against the dibs client-role suite and the smc suite.</summary>
public class SmcReferenceTests(ITestOutputHelper output)
{
    internal const int Tests = 20;

    internal static string Text(ConformanceReport report) => string.Join("\n", report.Results.Select(r =>
        $"{r.Requirement.Id,-36} {r.Status,-13} {r.TestsRun,4} {r.Duration.TotalMilliseconds,7:F0} ms {r.Message} {r.Counterexample}")) + $"\n{report.Summary} in {report.Duration.TotalSeconds:F1} s";

    internal static ConformanceReport Run(ISmcdClientUnderTest client, RunOptions? options = null) =>
        new ConformanceRunner(options ?? new RunOptions(MaxTests: Tests)).Run(client.Name, SmcTargets.Suites(client));

    [Fact]
    public void The_reference_client_passes_every_covered_must_and_nocopy_is_not_applicable()
    {
        var clock = Stopwatch.StartNew();
        var report = Run(new ReferenceSmcdClient());
        var text = Text(report);
        output.WriteLine(text);
        Assert.True(report.Passed, text);
        var notPassed = report.Results.Where(r => r.Status != RequirementStatus.Pass).Select(r => r.Requirement.Id).ToList();
        Assert.Equal([SmcSpec.Ids.SmcNocopyGhostBuffer], notPassed);
        var expected = DibsSpec.Requirements.Where(r => r.Role == RequirementRole.Client).Concat(SmcSpec.Requirements).Select(r => r.Id).Order();
        Assert.Equal(expected, report.Results.Select(r => r.Requirement.Id).Order());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the run took {clock.Elapsed.TotalSeconds:F1} s\n{text}");
    }

    [Fact]
    public void Every_client_and_smc_requirement_has_a_property()
    {
        var suites = SmcTargets.Suites(new ReferenceSmcdClient());
        var gaps = Coverage.Gaps(suites).Select(g => g.Requirement.Id).ToList();
        Assert.DoesNotContain(gaps, id => id.StartsWith("DIBS-CLIENT-") || id.StartsWith("SMC-"));
        Assert.DoesNotContain(suites, s => s.Spec.Requirements.Any(r => r.Role != RequirementRole.Client && s.Covers(r)));
    }

    [Fact]
    public void The_built_in_target_is_the_reference_client()
    {
        var target = Assert.Single(TargetLoader.Resolve("smcd-reference", ReferenceTargets.All));
        Assert.Equal(2, target.CreateSuites().Count());
    }
}
