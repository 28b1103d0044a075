using System.Diagnostics;
using IsmSpec.Codecs;
using IsmSpec.Conformance.Reports;
using IsmSpec.Conformance.VirtioIsm;
using IsmSpec.Specs.VirtioIsm;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.VirtioIsm;

public class VirtioIsmReferenceConformanceTests(ITestOutputHelper output)
{
    internal static string Text(ConformanceReport report)
    {
        var lines = report.Results.Select(r => $"{r.Requirement.Id,-30} {StatusText.Of(r.Status),-14} {r.TestsRun,4} {r.Duration.TotalMilliseconds,7:F0} ms  {r.Message} {r.Counterexample}");
        return $"{report.Device}: {report.Summary} in {report.Duration.TotalSeconds:F2} s\n" + string.Join("\n", lines);
    }

    [Fact]
    public void The_reference_device_and_driver_pass_every_virtio_ism_v1_must()
    {
        var clock = Stopwatch.StartNew();
        var report = new ConformanceRunner(new RunOptions()).Run("virtio-ism", VirtioIsmTargets.BuiltIn["virtio-ism"]().CreateSuites());
        clock.Stop();
        var text = Text(report);
        output.WriteLine(text);

        Assert.True(report.Results.All(r => r.Status == RequirementStatus.Pass), text);
        Assert.Equal(VirtioIsmSpec.Requirements.Select(r => r.Id).Order(), report.Results.Select(r => r.Requirement.Id).Order());
        Assert.All(report.Results, r => Assert.True(r.TestsRun >= 100, $"{r.Requirement.Id} ran {r.TestsRun} cases"));
        // About 5-17 s alone on 2 cores; the bound leaves room for the other test classes running in parallel.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the virtio-ism run took {clock.Elapsed.TotalSeconds:F1} s\n{text}");
    }

    [Fact]
    public void Every_requirement_has_a_property_in_the_suite_of_its_role()
    {
        var suites = VirtioIsmTargets.Suites(new ReferenceDeviceAdapter(), new ReferenceDriverAdapter());
        Assert.Empty(Coverage.Gaps(suites));
        Assert.Equal(0, Coverage.UntestableShare(VirtioIsmSpec.Requirements));
        Assert.All(VirtioIsmSpec.Requirements, r => Assert.Single(suites, s => s.Covers(r)));
        Assert.Equal(5, VirtioIsmSpec.Requirements.Count(r => r.Role == RequirementRole.Driver));
    }

    [Fact]
    public void A_device_without_event_features_makes_the_event_rules_not_applicable_and_passes_the_rest()
    {
        var report = new ConformanceRunner(new RunOptions(MaxTests: 20)).Run("no events", VirtioIsmTargets.Suites(new NoEventsAdapter()));
        var text = Text(report);
        output.WriteLine(text);
        string[] gated = [VirtioIsmSpec.Ids.VismEventNotifyPeers, VirtioIsmSpec.Ids.VismInitNotifyShm, VirtioIsmSpec.Ids.VismDecUpdate,
            VirtioIsmSpec.Ids.VismDecUpdateCoalesce, VirtioIsmSpec.Ids.VismEventVectorBind, VirtioIsmSpec.Ids.VismDecEventRoute];
        Assert.Equal(gated.Order(), report.Results.Where(r => r.Status == RequirementStatus.NotApplicable).Select(r => r.Requirement.Id).Order());
        Assert.All(report.Results.Where(r => r.Status == RequirementStatus.NotApplicable), r => Assert.Contains("VIRTIO_ISM_F_EVENT", r.Message));
        Assert.True(report.Passed, text);
    }

    [Fact]
    public void A_failing_property_replays_with_the_same_seed()
    {
        var options = new RunOptions(Seed: 7, Filter: VirtioIsmSpec.Ids.VismAllocSizeLimit);
        IReadOnlyList<ConformanceSuite> Suites() => VirtioIsmTargets.Suites(new VirtioIsmMutants.Adapter("oversize", h => new VirtioIsmMutants.OversizeAccepted(h)));
        var a = Assert.Single(new ConformanceRunner(options).Run("m", Suites()).Results);
        var b = Assert.Single(new ConformanceRunner(options).Run("m", Suites()).Results);
        Assert.Equal(RequirementStatus.Fail, a.Status);
        Assert.Equal(7UL, a.Replay);
        Assert.Equal(a.Counterexample, b.Counterexample);
    }

    /// <summary>The reference device configured to offer no virtio-ism feature bits.</summary>
    private sealed class NoEventsAdapter : IVirtioIsmDeviceAdapter
    {
        public string Name => "virtio-ism without events";

        public IVirtioIsmHost CreateHost(VirtioIsmHostRequest request)
        {
            var host = new IsmSpec.VirtioIsm.Host.IsmHost(ReferenceDeviceAdapter.Options(request) with { DeviceFeatures = IsmSpec.Specs.Virtio.VirtioSpec.VirtioFVersion1 });
            return new HostOver(host);
        }

        private sealed class HostOver(IsmSpec.VirtioIsm.Host.IsmHost host) : IVirtioIsmHost
        {
            public int MaxReferencesPerDevice => host.Options.MaxReferencesPerDevice;
            public int VectorCount => host.Options.VectorCount;
            public IVirtioIsmGuest AddGuest() => new LocalGuest(host.CreateDevice());
            public void Dispose() => host.Dispose();
        }
    }
}
