using System.Diagnostics;
using IsmSpec.Codecs;
using IsmSpec.Conformance.VirtioIsm;
using IsmSpec.Specs.VirtioIsm.V2;
using Xunit.Abstractions;
using static IsmSpec.Conformance.Tests.VirtioIsm.VirtioIsmV2Mutants;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;
using Text = IsmSpec.Conformance.Tests.VirtioIsm.VirtioIsmReferenceConformanceTests;

namespace IsmSpec.Conformance.Tests.VirtioIsm;

/// <summary>The version-2 (chunk/area) suites: the reference passes, the stub fails cleanly, each mutant fails exactly its requirement.</summary>
public class VirtioIsmV2ConformanceTests(ITestOutputHelper output)
{
    private ConformanceReport Run(string name, IEnumerable<ConformanceSuite> suites, RunOptions? options = null)
    {
        var report = new ConformanceRunner(options ?? new RunOptions()).Run(name, suites);
        output.WriteLine(Text.Text(report));
        return report;
    }

    [Fact]
    public void The_reference_device_and_driver_pass_every_virtio_ism_v2_must()
    {
        var clock = Stopwatch.StartNew();
        var report = Run("virtio-ism-v2", VirtioIsmTargets.BuiltIn["virtio-ism-v2"]().CreateSuites());
        clock.Stop();
        var text = Text.Text(report);
        Assert.True(report.Results.All(r => r.Status == RequirementStatus.Pass), text);
        Assert.Equal(VirtioIsmSpec.Requirements.Select(r => r.Id).Order(), report.Results.Select(r => r.Requirement.Id).Order());
        Assert.All(report.Results, r => Assert.True(r.TestsRun >= 100, $"{r.Requirement.Id} ran {r.TestsRun} cases"));
        // About 10 s alone on 2 cores; the bound leaves room for the other test classes running in parallel.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the virtio-ism v2 run took {clock.Elapsed.TotalSeconds:F1} s\n{text}");
    }

    [Fact]
    public void Every_v2_requirement_has_a_property_in_the_suite_of_its_role()
    {
        var suites = VirtioIsmTargets.SuitesV2(new ReferenceDeviceAdapter(), new ReferenceV2DriverAdapter());
        Assert.Empty(Coverage.Gaps(suites));
        Assert.Equal(0, Coverage.UntestableShare(VirtioIsmSpec.Requirements));
        Assert.All(VirtioIsmSpec.Requirements, r => Assert.Single(suites, s => s.Covers(r)));
        Assert.Equal(11, VirtioIsmSpec.Requirements.Count(r => r.Role == RequirementRole.Device));
    }

    [Fact]
    public void Every_applicable_v2_requirement_fails_against_the_do_nothing_stub_and_none_crashes()
    {
        var report = Run("virtio-ism-null v2", VirtioIsmTargets.SuitesV2(new NullVirtioIsmAdapter()));
        var text = Text.Text(report);
        Assert.All(report.Results, r => Assert.True(r.Status == RequirementStatus.Fail, $"{r.Requirement.Id}: {r.Status}\n{text}"));
        Assert.Equal(11, report.Count(RequirementStatus.Fail));
        Assert.All(report.Results, r => Assert.False(string.IsNullOrEmpty(r.Message), r.Requirement.Id));
        Assert.False(report.Passed);
    }

    [Fact]
    public void A_run_without_a_device_covers_both_generations()
    {
        var targets = TargetLoader.Resolve(null, ReferenceTargets.All);
        var suites = targets.SelectMany(t => t.CreateSuites()).Select(s => s.Name).ToList();
        Assert.Contains("virtio-ism device (virtio-ism)", suites);
        Assert.Contains("virtio-ism v2 device (virtio-ism)", suites);
        Assert.Contains("virtio-ism v2 driver (virtio-ism v2 reference driver)", suites);
        var v2 = Assert.Single(TargetLoader.Resolve("virtio-ism-v2", ReferenceTargets.All));
        Assert.Equal("virtio-ism-v2", v2.Name);
        Assert.All(v2.CreateSuites(), s => Assert.Equal(2, s.Spec.Version));
    }

    public static TheoryData<string, string> Mutants => new()
    {
        { nameof(AreaMissing), Ids.Vism2DecAreas },
        { nameof(AttachUnknownErr), Ids.Vism2DecAckMap },
        { nameof(CleanDefaultIgnored), Ids.Vism2DecCleanDefault },
        { nameof(EventWriterZero), Ids.Vism2DecEventq },
        { nameof(VectorBeyondOk), Ids.Vism2DecEventVector },
    };

    private static VirtioIsmMutants.Wrapped Make(string name, IVirtioIsmHost host) => name switch
    {
        nameof(AreaMissing) => new AreaMissing(host),
        nameof(AttachUnknownErr) => new AttachUnknownErr(host),
        nameof(CleanDefaultIgnored) => new CleanDefaultIgnored(host),
        nameof(EventWriterZero) => new EventWriterZero(host),
        nameof(VectorBeyondOk) => new VectorBeyondOk(host),
        nameof(GrantFieldsSwapped) => new GrantFieldsSwapped(host),
        _ => new VirtioIsmMutants.Wrapped(host),
    };

    [Theory, MemberData(nameof(Mutants))]
    public void Each_v2_mutant_fails_exactly_its_requirement(string mutant, string requirement)
    {
        var report = Run(mutant, VirtioIsmTargets.SuitesV2(new VirtioIsmMutants.Adapter(mutant, h => Make(mutant, h))));
        var failed = report.Results.Where(r => r.Status != RequirementStatus.Pass).ToList();
        Assert.True(failed.Count == 1 && failed[0].Requirement.Id == requirement, Text.Text(report));
        Assert.Equal(RequirementStatus.Fail, failed[0].Status);
        Assert.NotNull(failed[0].Counterexample);
        Assert.NotNull(failed[0].Message);
    }

    /// <summary>
    /// GRANT_SET_FOR_DEVICE read in version 1's field order breaks GRANT-SPLIT, and necessarily CLEAN-DEFAULT too: that
    /// rule is defined through GRANT_SET_FOR_DEVICE, so a device that misreads the command cannot keep it.
    /// </summary>
    [Fact]
    public void Swapped_grant_fields_fail_the_grant_split_and_the_clean_default_built_on_it()
    {
        var report = Run(nameof(GrantFieldsSwapped), VirtioIsmTargets.SuitesV2(new VirtioIsmMutants.Adapter("swap", h => new GrantFieldsSwapped(h))));
        var failed = report.Results.Where(r => r.Status != RequirementStatus.Pass).Select(r => r.Requirement.Id).Order().ToList();
        Assert.Equal([Ids.Vism2DecCleanDefault, Ids.Vism2DecGrantSplit], failed);
        Assert.All(report.Results.Where(r => r.Status != RequirementStatus.Pass), r => Assert.Equal(RequirementStatus.Fail, r.Status));
    }

    [Fact]
    public void The_unmutated_v2_wrapper_passes_so_each_failure_is_the_mutation()
    {
        var report = Run("none", VirtioIsmTargets.SuitesV2(new VirtioIsmMutants.Adapter("none", h => new VirtioIsmMutants.Wrapped(h))));
        Assert.True(report.Results.All(r => r.Status == RequirementStatus.Pass), Text.Text(report));
    }

    [Fact]
    public void A_version_1_only_adapter_fails_the_v2_suite_with_a_message()
    {
        var report = Run("v1 only", VirtioIsmTargets.SuitesV2(new Version1Only()), new RunOptions(MaxTests: 5));
        Assert.All(report.Results, r => Assert.Equal(RequirementStatus.Fail, r.Status));
        Assert.Contains(report.Results, r => r.Message?.Contains("version-2 host") == true);
    }

    /// <summary>A third party's adapter that only knows version 1 (it refuses other generations).</summary>
    private sealed class Version1Only : IVirtioIsmDeviceAdapter
    {
        private readonly ReferenceDeviceAdapter _reference = new();
        public string Name => "v1 only";
        public IVirtioIsmHost CreateHost(VirtioIsmHostRequest request) =>
            request.Version == 1 ? _reference.CreateHost(request) : throw new NotSupportedException($"version {request.Version}");
    }
}
