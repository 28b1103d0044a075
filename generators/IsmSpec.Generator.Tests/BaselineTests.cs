using Microsoft.CodeAnalysis;

namespace IsmSpec.Generator.Tests;

/// <summary>
/// Generated output for fixed scenarios is compared with committed baselines (Baselines/&lt;scenario&gt;/&lt;hint&gt;.txt).
/// Regenerate after an intended change with: ISMSPEC_UPDATE_BASELINES=1 dotnet test generators/IsmSpec.Generator.Tests
/// </summary>
public class BaselineTests
{
    /// <summary>A synthetic spec using every construct, plus two shipped specs (so a spec edit shows its generated diff).</summary>
    public static TheoryData<string> Scenarios() => new() { "all-constructs", "shipped:virtio-ism/v1", "shipped:smc" };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Generated_sources_match_the_committed_baseline(string scenario)
    {
        var (result, _, diagnostics) = GeneratorHarness.Run(ScenarioSpecs(scenario));
        Assert.Empty(diagnostics);
        var generated = result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        var baselineDir = Path.Combine(SourceDirectory(), "Baselines", scenario.Replace("shipped:", "shipped-").Replace('/', '-'));

        if (Environment.GetEnvironmentVariable("ISMSPEC_UPDATE_BASELINES") == "1")
        {
            if (Directory.Exists(baselineDir)) Directory.Delete(baselineDir, recursive: true);
            Directory.CreateDirectory(baselineDir);
            foreach (var (hint, source) in generated) File.WriteAllText(Path.Combine(baselineDir, hint + ".txt"), source);
        }

        var expectedFiles = Directory.GetFiles(baselineDir, "*.txt").Select(f => Path.GetFileNameWithoutExtension(f)).OrderBy(f => f).ToList();
        Assert.Equal(expectedFiles, generated.Keys.OrderBy(k => k).ToList());
        foreach (var hint in expectedFiles)
        {
            var expected = File.ReadAllText(Path.Combine(baselineDir, hint + ".txt")).Replace("\r\n", "\n").Split('\n');
            var actual = generated[hint].Replace("\r\n", "\n").Split('\n');
            for (int i = 0; i < Math.Min(expected.Length, actual.Length); i++)
                Assert.True(expected[i] == actual[i], $"{hint} line {i + 1} differs:\n  baseline: {expected[i]}\n  generated: {actual[i]}");
            Assert.Equal(expected.Length, actual.Length);
        }
    }

    [Fact]
    public void Generated_sources_compile_without_errors_or_warnings()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scenarios", "all-constructs.ism"));
        var (_, output, generatorDiagnostics) = GeneratorHarness.Run(GeneratorHarness.Spec("all-constructs.ism", text));
        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static Microsoft.CodeAnalysis.AdditionalText[] ScenarioSpecs(string scenario)
    {
        if (!scenario.StartsWith("shipped:", StringComparison.Ordinal))
            return [GeneratorHarness.Spec(scenario + ".ism", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scenarios", scenario + ".ism")))];
        var folder = Path.Combine(RepositoryRoot(), "spec", scenario["shipped:".Length..]);
        return Directory.GetFiles(folder, "*.ism").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => GeneratorHarness.Spec(Path.GetFileName(f), File.ReadAllText(f))).ToArray();
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(SourceDirectory());
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "IsmSpec.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static string SourceDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "IsmSpec.Generator.Tests.csproj"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("test project folder not found");
    }
}
