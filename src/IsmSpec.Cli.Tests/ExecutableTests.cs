using System.Diagnostics;
using System.Text.Json;

namespace IsmSpec.Cli.Tests;

/// <summary>Runs the built ismspec executable (copied next to the tests) to prove the real entry point works.</summary>
public sealed class ExecutableTests(TestSpecFolder specs) : IClassFixture<TestSpecFolder>
{
    [Fact]
    public async Task Built_executable_reads_ISMSPEC_SPECS_and_exits_with_the_command_code()
    {
        var exe = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "ismspec.exe" : "ismspec");
        Assert.True(File.Exists(exe), $"no executable at {exe}");
        var start = new ProcessStartInfo(exe, ["layout", "packet", "--json"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ISMSPEC_SPECS"] = specs.Path;
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal("", await stderr);
        Assert.Equal(0, process.ExitCode);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("packet", root.GetProperty("name").GetString());
        Assert.Equal("demo@1", root.GetProperty("spec").GetString());
        Assert.Equal(48, root.GetProperty("size").GetInt32());
    }
}
