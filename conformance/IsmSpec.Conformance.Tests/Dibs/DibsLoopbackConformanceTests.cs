using System.Diagnostics;
using IsmSpec.Codecs;
using IsmSpec.Conformance.Dibs;
using IsmSpec.Conformance.Reports;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.Dibs;

public class DibsLoopbackConformanceTests(ITestOutputHelper output)
{
    internal static string Text(ConformanceReport report)
    {
        var lines = report.Results.Select(r => $"{r.Requirement.Id,-36} {StatusText.Of(r.Status),-14} {r.TestsRun,4} {r.Duration.TotalMilliseconds,7:F0} ms  {r.Message} {r.Counterexample}");
        return $"{report.Device}: {report.Summary} in {report.Duration.TotalSeconds:F2} s\n" + string.Join("\n", lines);
    }

    [Fact]
    public void The_reference_loopback_passes_every_device_loopback_and_layer_must_in_under_ten_seconds()
    {
        var clock = Stopwatch.StartNew();
        var report = new ConformanceRunner(new RunOptions()).Run("dibs-loopback", DibsTargets.BuiltIn["dibs-loopback"]().CreateSuites());
        clock.Stop();
        var text = Text(report);
        output.WriteLine(text);

        var mandatory = report.Results.Where(r => r.Requirement.IsMandatory).ToList();
        var bad = mandatory.Where(r => r.Status is RequirementStatus.Fail or RequirementStatus.Error or RequirementStatus.NotCovered).ToList();
        Assert.True(bad.Count == 0, text);
        // The loopback has no signal_event, so nothing outside it can provoke an event (rules 16, 24, 42).
        Assert.Equal([DibsSpec.Ids.DibsDevEventAllClients], mandatory.Where(r => r.Status != RequirementStatus.Pass).Select(r => r.Requirement.Id));
        var expected = DibsSpec.Requirements.Where(r => r.Id.StartsWith("DIBS-DEV-") || r.Id.StartsWith("DIBS-LO-") || r.Id.StartsWith("DIBS-LAYER-")).Select(r => r.Id).Order();
        Assert.Equal(expected, report.Results.Select(r => r.Requirement.Id).Order());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the loopback run took {clock.Elapsed.TotalSeconds:F1} s\n{text}");
    }

    [Fact]
    public void Only_client_obligations_are_left_to_other_suites_and_may_rules_are_not_applicable()
    {
        var suites = DibsTargets.Suites(new LoopbackAdapter());
        var gaps = Coverage.Gaps(suites).Select(g => g.Requirement).ToList();
        Assert.NotEmpty(gaps);
        Assert.All(gaps, r => Assert.Equal(RequirementRole.Client, r.Role));
        Assert.DoesNotContain(suites, s => DibsSpec.Requirements.Any(r => r.Role == RequirementRole.Client && s.Covers(r)));
        var may = DibsSpec.Requirements.Where(r => r.Level == RequirementLevel.May && r.Role != RequirementRole.Client).ToList();
        Assert.All(may, r => Assert.NotNull(suites.Single(s => s.Covers(r)).NotApplicableReason(r)));
    }

    [Fact]
    public void Without_dmb_memory_the_requirements_that_read_bytes_are_not_applicable_and_say_why()
    {
        var report = new ConformanceRunner(new RunOptions(MaxTests: 5)).Run("lo without memory", DibsTargets.Suites(new NoMemoryLoopback()));
        var na = report.Results.Where(r => r.Status == RequirementStatus.NotApplicable && r.Requirement.IsMandatory).ToList();
        Assert.Contains(na, r => r.Requirement.Id == DibsSpec.Ids.DibsDevRegisterZero && r.Message!.Contains("IDibsDmbMemory"));
        Assert.Contains(na, r => r.Requirement.Id == DibsSpec.Ids.DibsDevMoveSync);
        Assert.True(report.Passed, Text(report));
    }

    [Fact]
    public void A_failing_property_replays_with_the_same_seed()
    {
        var options = new RunOptions(Seed: 99, Filter: DibsSpec.Ids.DibsLoMoveBounds);
        var suites = () => DibsTargets.Suites(new DibsMutants.MovePastEndAdapter());
        var a = Assert.Single(new ConformanceRunner(options).Run("m", suites()).Results);
        var b = Assert.Single(new ConformanceRunner(options).Run("m", suites()).Results);
        Assert.Equal(RequirementStatus.Fail, a.Status);
        Assert.Equal(99UL, a.Replay);
        Assert.Equal(a.Counterexample, b.Counterexample);
    }

    private sealed class NoMemoryLoopback : IDibsDeviceAdapter
    {
        public string Name => "lo-no-memory";
        public DibsDeviceKind Kind => DibsDeviceKind.Loopback;

        public DibsTestBed Create()
        {
            var layer = DibsLayer.Load();
            return new DibsTestBed(layer, layer.Loopback!.Device, remove: layer.Loopback.Remove);
        }
    }
}
