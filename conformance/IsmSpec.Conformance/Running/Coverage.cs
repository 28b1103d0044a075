using IsmSpec.Codecs;

namespace IsmSpec.Conformance;

/// <summary>Which mandatory requirements have neither a property nor a written untestable reason.</summary>
public static class Coverage
{
    public sealed record Gap(Requirement Requirement);

    /// <summary>Every MUST / MUST NOT of the suites' specs must be checked by one of the suites or be marked untestable.</summary>
    public static IReadOnlyList<Gap> Gaps(IEnumerable<ConformanceSuite> suites)
    {
        var list = suites.ToList();
        var byType = list.GroupBy(s => s.GetType()).ToDictionary(g => g.Key, g => ConformanceRunner.CheckedIds(g.Key).ToHashSet());
        return list.SelectMany(s => s.Spec.Requirements.Select(r => (s, r)))
            .Where(p => p.r.IsMandatory && p.r.Untestable is null)
            .GroupBy(p => p.r.Id)
            .Where(g => !g.Any(p => p.s.Covers(p.r) && byType[p.s.GetType()].Contains(p.r.Id)))
            .Select(g => new Gap(g.First().r))
            .ToList();
    }

    /// <summary>Share of mandatory requirements that are untestable (the issue caps it at 10%).</summary>
    public static double UntestableShare(IEnumerable<Requirement> requirements)
    {
        var mandatory = requirements.Where(r => r.IsMandatory).ToList();
        return mandatory.Count == 0 ? 0 : (double)mandatory.Count(r => r.Untestable is not null) / mandatory.Count;
    }
}
