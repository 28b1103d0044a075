using System.Text.Json;

namespace IsmSpec.Cli.Tests;

/// <summary>
/// `ismspec conform` against a third party's adapter built as its own assembly (Acme.RamDibs.dll from
/// conformance/IsmSpec.Conformance.Tests.Fixture), loaded through --device assembly:PATH[:TYPE].
/// </summary>
public class ConformCommandTests
{
    private static string FixtureDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IsmSpec.sln"))) dir = dir.Parent;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var path = Path.Combine(dir!.FullName, "conformance", "IsmSpec.Conformance.Tests.Fixture", "bin", configuration, "net10.0", "Acme.RamDibs.dll");
        Assert.True(File.Exists(path), $"fixture not built at {path}");
        return path;
    }

    [Fact]
    public void A_third_party_adapter_loads_from_its_assembly_and_passes()
    {
        var r = CliResult.Run("conform", "--device", $"assembly:{FixtureDll()}:RamDibsTarget", "--max-tests", "30");
        r.AssertOk();
        Assert.Contains("acme-ram-dibs: ", r.Out);
        Assert.Contains(" 0 failed, 0 errors", r.Out);
    }

    [Fact]
    public void A_failing_device_exits_1_names_the_requirement_and_replays_with_the_same_seed()
    {
        var json1 = Path.GetTempFileName();
        var json2 = Path.GetTempFileName();
        try
        {
            var device = $"assembly:{FixtureDll()}:DirtyRamDibsTarget";
            var first = CliResult.Run("conform", "--device", device, "--seed", "42", "--json", json1);
            Assert.Equal(1, first.Exit);
            Assert.Contains("--seed 42", first.Err);
            Assert.Contains("replay: ismspec conform --seed 42 --filter DIBS-DEV-REGISTER-ZERO", first.Out);

            var replay = CliResult.Run("conform", "--device", device, "--seed", "42", "--filter", "DIBS-DEV-REGISTER-ZERO", "--json", json2);
            Assert.Equal(1, replay.Exit);
            Assert.Equal(Failure(json1, "DIBS-DEV-REGISTER-ZERO"), Failure(json2, "DIBS-DEV-REGISTER-ZERO"));
        }
        finally
        {
            File.Delete(json1);
            File.Delete(json2);
        }
    }

    private static (string? Counterexample, string? Message) Failure(string jsonPath, string id)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(jsonPath));
        var r = doc.RootElement.GetProperty("requirements").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        Assert.Equal("fail", r.GetProperty("status").GetString());
        return (r.GetProperty("counterexample").GetString(), r.GetProperty("message").GetString());
    }

    [Fact]
    public void An_assembly_with_several_targets_needs_a_type_name()
    {
        var line = CliResult.Run("conform", "--device", $"assembly:{FixtureDll()}").AssertUsageError();
        Assert.Contains("several targets", line);
    }

    [Theory]
    [InlineData("--device", "no-such-device", "unknown device 'no-such-device'")]
    [InlineData("--device", "assembly:/nonexistent/adapter.dll", "no adapter assembly")]
    [InlineData("--filter", "NOPE-*", "nothing to run")]
    [InlineData("--max-tests", "0", "--max-tests must be at least 1")]
    public void Usage_errors_are_one_line_and_exit_2(string option, string value, string expected) =>
        Assert.Contains(expected, CliResult.Run("conform", option, value).AssertUsageError());
}
