using IsmSpec.Codecs;

namespace IsmSpec.Conformance.Tests;

/// <summary>
/// The suites of the built-in targets answer for every MUST / MUST NOT of the shipped catalogs: each has a
/// property or an untestable reason, and untestable stays under 10% (issue acceptance).
/// </summary>
public class CatalogCoverageTests
{
    /// <summary>Specs no built-in suite answers for (none: every shipped spec has its suite).</summary>
    private static readonly string[] OutOfScope = [];

    private static List<ConformanceSuite> AllSuites() =>
        ReferenceTargets.All.Values.SelectMany(f => f().CreateSuites()).Where(s => !OutOfScope.Contains(s.Spec.Name)).ToList();

    [Fact]
    public void Every_mandatory_requirement_of_the_reference_suites_has_a_property_or_a_reason()
    {
        var gaps = Coverage.Gaps(AllSuites());
        Assert.True(gaps.Count == 0, "no property: " + string.Join(", ", gaps.Select(g => g.Requirement.Id)));
    }

    [Fact]
    public void Every_shipped_catalog_is_answered_for_by_some_suite()
    {
        var suites = AllSuites();
        var claimed = suites.SelectMany(s => s.Spec.Requirements.Where(s.Covers)
                                          .Where(r => ConformanceRunner.CheckedIds(s.GetType()).Contains(r.Id) || r.Untestable is not null)
                                          .Select(r => (r.Spec, r.Version, r.Id)))
                            .ToHashSet();
        var missing = SpecRegistry.Shipped.Where(s => !OutOfScope.Contains(s.Name))
            .SelectMany(s => s.Requirements).Where(r => r.IsMandatory)
            .Where(r => !claimed.Contains((r.Spec, r.Version, r.Id)))
            .Select(r => $"{r.Spec}@{r.Version}:{r.Id}").ToList();
        Assert.True(missing.Count == 0, "no suite claims: " + string.Join(", ", missing));
    }

    [Fact]
    public void Untestable_requirements_stay_under_ten_percent()
    {
        var all = SpecRegistry.Shipped.Where(s => !OutOfScope.Contains(s.Name)).SelectMany(s => s.Requirements).ToList();
        Assert.True(Coverage.UntestableShare(all) <= 0.10, $"untestable share {Coverage.UntestableShare(all):P1}");
    }
}
