using System.Diagnostics;
using IsmSpec.Codecs;
using IsmSpec.Conformance.S390Ism;
using IsmSpec.Conformance.S390Ism.Driver;
using IsmSpec.Conformance.Tests.Dibs;
using IsmSpec.Specs.S390Ism;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.S390Ism.Driver;

/// <summary>The driver-role suite against the reference driver (IsmDibsDriver) and the do-nothing stub.</summary>
[Collection(IsmCollection.Name)]
public class IsmDriverConformanceTests(ITestOutputHelper output)
{
    internal static readonly string[] DriverIds =
        S390IsmSpec.Requirements.Where(r => r.Role == RequirementRole.Driver).Select(r => r.Id).Order().ToArray();

    private ConformanceReport Run(IIsmDriverUnderTest driver, RunOptions? options = null)
    {
        var report = new ConformanceRunner(options ?? new RunOptions()).Run(driver.Name, IsmTargets.Suites(driver));
        output.WriteLine(DibsLoopbackConformanceTests.Text(report));
        return report;
    }

    [Fact]
    public void The_reference_driver_passes_every_driver_must_in_under_ten_seconds()
    {
        var clock = Stopwatch.StartNew();
        var report = new ConformanceRunner(new RunOptions()).Run("s390-ism-driver", IsmTargets.BuiltIn["s390-ism-driver"]().CreateSuites());
        clock.Stop();
        var text = DibsLoopbackConformanceTests.Text(report);
        output.WriteLine(text);

        Assert.Equal(20, DriverIds.Length);
        Assert.Equal(DriverIds, report.Results.Select(r => r.Requirement.Id).Order());
        Assert.All(report.Results, r => Assert.True(r.Status == RequirementStatus.Pass, $"{r.Requirement.Id}: {r.Status}\n{text}"));
        Assert.All(report.Results, r => Assert.True(r.TestsRun >= 1, $"{r.Requirement.Id} ran no case"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the s390 ISM driver run took {clock.Elapsed.TotalSeconds:F1} s\n{text}");
    }

    [Fact]
    public void Every_driver_requirement_fails_against_the_do_nothing_stub_and_none_crashes()
    {
        var report = Run(new NullIsmDriver(), new RunOptions(MaxTests: 30));
        var text = DibsLoopbackConformanceTests.Text(report);
        Assert.Equal(DriverIds, report.Results.Select(r => r.Requirement.Id).Order());
        Assert.All(report.Results, r => Assert.True(r.Status == RequirementStatus.Fail, $"{r.Requirement.Id}: {r.Status}\n{text}"));
        Assert.All(report.Results, r => Assert.False(string.IsNullOrEmpty(r.Message), $"{r.Requirement.Id} failed without a message\n{text}"));
        Assert.False(report.Passed);
    }

    [Fact]
    public void Device_and_driver_suites_together_leave_no_s390_ism_gap()
    {
        var suites = IsmTargets.Suites(new S390IsmAdapter(), new ReferenceIsmDriver());
        Assert.Empty(Coverage.Gaps(suites));
        Assert.All(S390IsmSpec.Requirements, r => Assert.Single(suites, s => s.Covers(r)));
        var ids = ConformanceRunner.CheckedIds(typeof(IsmDriverSuite)).ToHashSet();
        Assert.All(DriverIds, id => Assert.Contains(id, ids));
        Assert.DoesNotContain(ids, id => !DriverIds.Contains(id));
    }

    [Fact]
    public void The_built_in_driver_target_is_registered_with_the_reference_targets()
    {
        var target = Assert.Single(TargetLoader.Resolve("s390-ism-driver", ReferenceTargets.All));
        Assert.IsType<IsmDriverSuite>(Assert.Single(target.CreateSuites()));
        Assert.Equal(new ReferenceIsmDriver().Name, target.Name);
    }

    /// <summary>The README's example: a third party's adapter is this small (here over the reference driver again).</summary>
    private sealed class ThirdPartyAdapter : IIsmDriverUnderTest
    {
        public string Name => "acme ism";

        public IsmSpec.Dibs.DibsResult<IIsmProbedDriver> Probe(IsmSpec.Dibs.DibsLayer layer, IsmSpec.IsmDriver.IIsmPci pci, uint uid, uint fid)
        {
            var d = IsmSpec.IsmDriver.IsmDibsDriver.Probe(layer, pci, new IsmSpec.IsmDriver.IsmDriverOptions { Uid = uid, Fid = fid, PoolBytes = pci.HostMemory.Size });
            return d.IsOk ? new Probed(d.Value) : IsmSpec.Dibs.DibsResult<IIsmProbedDriver>.Fail(d.Code);
        }

        private sealed class Probed(IsmSpec.IsmDriver.IsmDibsDriver d) : IIsmProbedDriver
        {
            public IsmSpec.Dibs.DibsDevice Device => d.Device;
            public IsmSpec.Dibs.DibsResult Remove() => d.Remove();
        }
    }

    [Fact]
    public void A_small_third_party_adapter_runs_the_suite()
    {
        var report = Run(new ThirdPartyAdapter(), new RunOptions(MaxTests: 10, Filter: "ISM-MOVE-*"));
        Assert.Equal(5, report.Results.Count);
        Assert.True(report.Passed, DibsLoopbackConformanceTests.Text(report));
    }
}
