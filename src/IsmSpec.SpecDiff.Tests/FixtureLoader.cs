using IsmSpec.SpecDiff.Engine;
using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Binding;

namespace IsmSpec.SpecDiff.Tests;

/// <summary>Loads a Fixtures/&lt;RULE-ID&gt;/ pair (previous/current as a .ism file or a folder) and diffs it.</summary>
internal static class FixtureLoader
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static IEnumerable<string> RuleIds() =>
        Directory.GetDirectories(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static SpecCompilation Load(string ruleId, string side)
    {
        var dir = Path.Combine(Root, ruleId);
        var file = Path.Combine(dir, side + ".ism");
        var compilation = SpecCompilation.Load(File.Exists(file) ? file : Path.Combine(dir, side));
        Assert.True(compilation.Diagnostics.Count == 0,
            $"{ruleId}/{side} does not bind cleanly:\n" + string.Join("\n", compilation.Diagnostics));
        return compilation;
    }

    public static DiffReport Diff(string ruleId) =>
        SpecDiffer.Diff(Load(ruleId, "previous").Specs, Load(ruleId, "current").Specs);

    /// <summary>The <c>RULE-ID class path</c> lines of expected.txt ('#' starts a comment).</summary>
    public static List<string> Expected(string ruleId) =>
        File.ReadAllLines(Path.Combine(Root, ruleId, "expected.txt"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string Line(Finding f) => $"{f.RuleId} {f.Class.Label()} {f.Path}";
}
