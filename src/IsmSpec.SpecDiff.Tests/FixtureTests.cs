using IsmSpec.SpecDiff.Model;

namespace IsmSpec.SpecDiff.Tests;

/// <summary>One previous/current pair per rule (buf's testdata/breaking layout) with the exact findings expected.</summary>
public class FixtureTests
{
    public static TheoryData<string> Rules() => new(FixtureLoader.RuleIds());

    [Theory]
    [MemberData(nameof(Rules))]
    public void Fixture_reports_exactly_the_expected_findings(string ruleId)
    {
        var actual = FixtureLoader.Diff(ruleId).Findings.Select(FixtureLoader.Line).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(FixtureLoader.Expected(ruleId), actual);
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Fixture_is_named_after_a_rule_it_triggers(string ruleId)
    {
        var rule = DiffRules.Find(ruleId);
        Assert.NotNull(rule);
        Assert.Contains(FixtureLoader.Diff(ruleId).Findings, f => f.Rule == rule);
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Fixture_findings_carry_locations_messages_and_fingerprints(string ruleId)
    {
        foreach (var f in FixtureLoader.Diff(ruleId).Findings)
        {
            Assert.True(f.OldLocation != null || f.NewLocation != null, $"{f.RuleId} {f.Path} has no location");
            Assert.Matches("^[0-9a-f]{12}$", f.Fingerprint);
            Assert.False(string.IsNullOrWhiteSpace(f.Message));
            Assert.DoesNotContain('\n', f.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_side_diffed_against_itself_reports_nothing(string ruleId)
    {
        foreach (var side in new[] { "previous", "current" })
        {
            var specs = FixtureLoader.Load(ruleId, side).Specs;
            Assert.Empty(Engine.SpecDiffer.Diff(specs, specs).Findings);
        }
    }

    [Fact]
    public void Every_rule_in_the_catalog_has_a_fixture()
    {
        var missing = DiffRules.All.Select(r => r.Id).Except(FixtureLoader.RuleIds()).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Rule_ids_are_unique()
    {
        Assert.Equal(DiffRules.All.Count, DiffRules.All.Select(r => r.Id).Distinct().Count());
    }
}
