using System.Diagnostics;
using IsmSpec.Conformance.Tests.VirtioIsm;
using IsmSpec.Conformance.VhostUser;
using IsmSpec.Conformance.VirtioIsm;
using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser.Backend;
using IsmSpec.VirtioIsm.Host;
using Xunit.Abstractions;

namespace IsmSpec.Conformance.Tests.VhostUser;

public class VhostUserConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void The_vhost_user_suite_passes_every_requirement_on_the_reference_ends()
    {
        var clock = Stopwatch.StartNew();
        var report = new ConformanceRunner(new RunOptions()).Run("vhost-user", VhostUserTargets.BuiltIn["vhost-user"]().CreateSuites());
        var text = VirtioIsmReferenceConformanceTests.Text(report);
        output.WriteLine(text);
        Assert.All(report.Results, r => Assert.True(r.Status == RequirementStatus.Pass, text));
        Assert.All(report.Results, r => Assert.True(r.TestsRun >= 100, text));
        Assert.Equal(VhostUserSpec.Requirements.Length, report.Results.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), text);
    }

    [Fact]
    public void The_device_suite_over_an_in_process_back_end_matches_the_reference_adapter_run()
    {
        var dir = Directory.CreateTempSubdirectory("ismspec-vu-conf-").FullName;
        string sock = Path.Combine(dir, "s");
        var reference = ReferenceDeviceAdapter.Options(new VirtioIsmHostRequest());
        using (new VhostUserBackEnd(sock, new VhostUserBackEndOptions { Host = reference }))
        {
            var options = new RunOptions(Seed: 7, MaxTests: 10);
            var vhost = new ConformanceRunner(options).Run("vu", VirtioIsmTargets.Suites(new VhostUserDeviceAdapter(sock)));
            var local = new ConformanceRunner(options).Run("ref", VirtioIsmTargets.Suites(new ReferenceDeviceAdapter()));
            output.WriteLine(VirtioIsmReferenceConformanceTests.Text(vhost));
            Assert.Equal(local.Results.Select(r => (r.Requirement.Id, r.Status)), vhost.Results.Select(r => (r.Requirement.Id, r.Status)));
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_back_end_without_the_host_control_still_serves_the_suite_on_one_persistent_host()
    {
        var dir = Directory.CreateTempSubdirectory("ismspec-vu-nc-").FullName;
        string sock = Path.Combine(dir, "s");
        var host = ReferenceDeviceAdapter.Options(new VirtioIsmHostRequest());
        using (new VhostUserBackEnd(sock, new VhostUserBackEndOptions { Host = host, AllowHostControl = false }))
        {
            var report = new ConformanceRunner(new RunOptions(MaxTests: 5, Filter: "VISM-ALLOC-*")).Run("vu", VirtioIsmTargets.Suites(new VhostUserDeviceAdapter(sock, fallbackWindow: 6, fallbackVectors: 4)));
            output.WriteLine(VirtioIsmReferenceConformanceTests.Text(report));
            Assert.Contains(report.Results, r => r.Status == RequirementStatus.Pass);
            Assert.DoesNotContain(report.Results, r => r.Status == RequirementStatus.Error);
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void The_scheme_resolves_to_the_vhost_user_adapter()
    {
        var target = Assert.Single(TargetLoader.Resolve("vhost-user:/run/x.sock", ReferenceTargets.All));
        Assert.Equal("vhost-user:/run/x.sock", target.Name);
        Assert.Contains("vhost-user", ReferenceTargets.All.Keys);
    }
}
