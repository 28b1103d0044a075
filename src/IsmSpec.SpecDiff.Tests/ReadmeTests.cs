using IsmSpec.SpecDiff.Model;

namespace IsmSpec.SpecDiff.Tests;

/// <summary>The README's rules table is the catalog: same IDs, same classes.</summary>
public class ReadmeTests
{
    [Fact]
    public void Readme_lists_every_rule_with_its_class()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "IsmSpec.SpecDiff", "README.md"));
        var rows = readme.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        foreach (var rule in DiffRules.All)
            Assert.Contains($"| `{rule.Id}` | {rule.Class.Label()} |", readme);
        Assert.Equal(DiffRules.All.Count, rows.Count);
    }
}
