using System.Diagnostics;
using System.Text.Json;
using IsmSpec.Cli;
using IsmSpec.Conformance;
using IsmSpec.Conformance.VirtioIsm;
using IsmSpec.VhostUser.Tests.Support;
using Xunit.Abstractions;

namespace IsmSpec.VhostUser.Tests.Acceptance;

/// <summary>
/// Issue 8 acceptance: <c>ismspec conform --device vhost-user:SOCK</c> against <c>ismspec device serve --vhost-user
/// SOCK</c> (the built CLI as a child process) gives every virtio-ism device requirement the status the in-process
/// reference run gives it (same seed, same case count). The served host is configured like the reference adapter's.
/// </summary>
public class ServeAndConformTests(ITestOutputHelper output)
{
    private const int MaxTests = 25;

    [Fact]
    public async Task Conform_over_vhost_user_against_device_serve_matches_the_in_process_reference_run()
    {
        var dir = Directory.CreateTempSubdirectory("ismspec-acc-").FullName;
        string sock = Path.Combine(dir, "ism.sock"), json = Path.Combine(dir, "vu.json");
        using var server = ChildProcess.StartCli("device", "serve", "--vhost-user", sock, "--regions", "16", "--region-size", "8192",
            "--window", "6", "--grant-entries", "4", "--vectors", "4");
        try
        {
            string? ready = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Contains("serving virtio-ism", ready);
            var clock = Stopwatch.StartNew();
            var stdout = new StringWriter();
            int exit = CliApp.Run(["conform", "--device", $"vhost-user:{sock}", "--max-tests", $"{MaxTests}", "--json", json], stdout, new StringWriter());
            output.WriteLine($"vhost-user run: exit {exit} in {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(0, exit);

            var reference = new ConformanceRunner(new RunOptions(MaxTests: MaxTests)).Run("virtio-ism", VirtioIsmTargets.Suites(new ReferenceDeviceAdapter()));
            var expected = reference.Results.ToDictionary(r => r.Requirement.Id, r => StatusName(r.Status));
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var actual = doc.RootElement.GetProperty("requirements").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("status").GetString()!);
            output.WriteLine(string.Join("\n", actual.Select(a => $"{a.Key,-30} {a.Value,-6} reference {expected.GetValueOrDefault(a.Key)}")));
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            Assert.All(actual, a => Assert.Equal(expected[a.Key], a.Value));
            Assert.All(actual.Values, s => Assert.Equal("pass", s));

            ChildProcess.Terminate(server);
            Assert.True(server.WaitForExit(10_000), "device serve ignored SIGTERM");
            Assert.Equal(0, server.ExitCode);
            Assert.False(File.Exists(sock), "the socket file is left behind");
        }
        finally
        {
            if (!server.HasExited) server.Kill();
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The JSON report's spelling of a status (Reports/StatusText.cs).</summary>
    private static string StatusName(RequirementStatus status) => status switch
    {
        RequirementStatus.Pass => "pass",
        RequirementStatus.Fail => "fail",
        RequirementStatus.NotApplicable => "not-applicable",
        RequirementStatus.Untestable => "untestable",
        RequirementStatus.NotCovered => "not-covered",
        _ => "error",
    };
}
