using System.Reflection;
using System.Text.RegularExpressions;
using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.Codecs.Tests;

/// <summary>The generated requirement catalogs, checked against each other and against the .ism sources embedded in IsmSpec.Codecs.</summary>
public partial class RequirementCatalogTests
{
    private static IReadOnlyList<ISpecInfo> Specs => SpecRegistry.Shipped;

    [Fact]
    public void Every_shipped_spec_has_requirements_with_summary_and_section()
    {
        foreach (var spec in Specs)
        {
            Assert.True(spec.Requirements.Count > 0, $"{spec.Name} {spec.Version} has no requirements");
            foreach (var r in spec.Requirements)
            {
                Assert.False(string.IsNullOrWhiteSpace(r.Summary), r.Id);
                Assert.False(string.IsNullOrWhiteSpace(r.Section), r.Id);
                Assert.Equal((spec.Name, spec.Version), (r.Spec, r.Version));
                Assert.Matches("^[A-Z0-9]+(-[A-Z0-9]+)+$", r.Id);
            }
        }
    }

    [Fact]
    public void Requirement_ids_are_unique_across_all_specs()
    {
        var duplicates = SpecRegistry.AllRequirements(Specs).GroupBy(r => r.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Virtio_ism_version_1_carries_the_drafts_normative_statements()
    {
        var v1 = Specs.Single(s => s.Name == "virtio-ism" && s.Version == 1);
        Assert.True(v1.Requirements.Count >= 25, $"only {v1.Requirements.Count} requirements");
        Assert.Same(VirtioIsmSpec.Instance, v1);
        Assert.Contains(v1.Requirements, r => r.Id == VirtioIsmSpec.Ids.VismAllocZero && r.Level == RequirementLevel.Must && r.Role == RequirementRole.Device);
        Assert.Contains(v1.Requirements, r => r.Id == VirtioIsmSpec.Ids.VismInitDevidNonzero && r.Level == RequirementLevel.MustNot);
    }

    [Fact]
    public void Every_must_and_must_not_is_in_the_combined_catalog()
    {
        var all = SpecRegistry.AllRequirements(Specs).ToList();
        var mandatory = Specs.SelectMany(s => s.Requirements).Where(r => r.IsMandatory).ToList();
        Assert.NotEmpty(mandatory);
        Assert.All(mandatory, r => Assert.Contains(r, all));
        Assert.Equal(Specs.Sum(s => s.Requirements.Count), all.Count);
    }

    [Fact]
    public void Requirement_features_name_features_of_their_spec()
    {
        foreach (var spec in Specs)
            foreach (var r in spec.Requirements.Where(r => r.Feature is not null))
                Assert.Contains(spec.Features, f => f.Name == r.Feature);
    }

    [GeneratedRegex("""^\s*requirement\s+(?<id>[A-Za-z0-9-]+)\s+(?<role>device|driver|client|layer)\s+(?<level>MUST NOT|MUST|SHOULD NOT|SHOULD|MAY)\s+"(?<summary>(?:[^"\\]|\\.)*)"\s+section\s+"(?<section>(?:[^"\\]|\\.)*)""", RegexOptions.Multiline)]
    private static partial Regex RequirementLine();

    [GeneratedRegex("""^\s*spec\s+(?<name>[A-Za-z0-9-]+)\s+version\s+(?<version>\d+)""", RegexOptions.Multiline)]
    private static partial Regex SpecHeader();

    /// <summary>(spec, version, id, level text, role, summary, section) of every requirement written in the embedded .ism files.</summary>
    private static List<(string Spec, int Version, string Id, string Level, string Role, string Summary, string Section)> RequirementsInSources()
    {
        var assembly = typeof(SpecRegistry).Assembly;
        var found = new List<(string, int, string, string, string, string, string)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".ism", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var text = reader.ReadToEnd();
            var header = SpecHeader().Match(text);
            Assert.True(header.Success, $"{name} has no spec header");
            foreach (Match m in RequirementLine().Matches(text))
                found.Add((header.Groups["name"].Value, int.Parse(header.Groups["version"].Value), m.Groups["id"].Value,
                    m.Groups["level"].Value, m.Groups["role"].Value, m.Groups["summary"].Value, m.Groups["section"].Value));
        }
        return found;
    }

    [Fact]
    public void Every_must_and_must_not_written_in_the_specs_is_in_the_catalog_with_its_level_and_role()
    {
        var catalog = SpecRegistry.AllRequirements(Specs).ToDictionary(r => r.Id);
        var written = RequirementsInSources();
        Assert.Equal(catalog.Count, written.Count);
        foreach (var w in written.Where(w => w.Level.StartsWith("MUST", StringComparison.Ordinal)))
        {
            Assert.True(catalog.TryGetValue(w.Id, out var r), $"{w.Id} ({w.Spec}) is missing from SpecRegistry.AllRequirements");
            Assert.Equal((w.Spec, w.Version, w.Level, w.Role), (r!.Spec, r.Version, r.LevelText, r.Role.ToString().ToLowerInvariant()));
            Assert.Equal(w.Summary.Replace("\\\"", "\"").Replace("\\\\", "\\"), r.Summary);
            Assert.Equal(w.Section.Replace("\\\"", "\"").Replace("\\\\", "\\"), r.Section);
        }
    }

    [Fact]
    public void Each_spec_class_has_an_id_constant_for_each_of_its_requirements()
    {
        foreach (var spec in Specs)
        {
            var ids = spec.GetType().GetNestedType("Ids")!.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(f => (string)f.GetValue(null)!).ToHashSet();
            Assert.All(spec.Requirements, r => Assert.Contains(r.Id, ids));
        }
    }
}
