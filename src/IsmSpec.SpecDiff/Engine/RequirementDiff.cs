using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Engine;

/// <summary>Requirements match by their stable ID.</summary>
internal static class RequirementDiff
{
    public static void Compare(DiffContext ctx)
    {
        foreach (var o in ctx.Old.Requirements)
        {
            var n = ctx.New.Requirements.FirstOrDefault(r => r.Id == o.Id);
            var path = ctx.PathOf("requirement", o.Id);
            if (n == null)
            {
                ctx.Report(DiffRules.ReqRemoved, path, $"requirement {o.Id} ({Text(o)}) was removed; retire IDs instead of deleting them",
                    Text(o), null, o, null);
                continue;
            }
            if (o.Level != n.Level)
                ctx.Report(DiffRules.ReqLevelChanged, path,
                    $"{o.Id} changed from {Level(o)} to {Level(n)} ({Direction(o.Level, n.Level)})", Level(o), Level(n), o, n);
            if (o.Role != n.Role)
                ctx.Report(DiffRules.ReqRoleChanged, path,
                    $"{o.Id} now binds the {Role(n)} (was the {Role(o)})", Role(o), Role(n), o, n);
            if (o.Summary != n.Summary)
                ctx.Report(DiffRules.ReqSummaryChanged, path,
                    $"{o.Id} summary changed: \"{o.Summary}\" -> \"{n.Summary}\"; check the tests that cite it", o.Summary, n.Summary, o, n);
            if (o.Section != n.Section)
                ctx.Report(DiffRules.ReqSectionChanged, path,
                    $"{o.Id} now cites section \"{n.Section}\" (was \"{o.Section}\")", o.Section, n.Section, o, n);
            if (o.Feature != n.Feature)
                ctx.Report(DiffRules.ReqFeatureChanged, path,
                    $"{o.Id} now depends on {n.Feature ?? "no feature"} (was {o.Feature ?? "no feature"})", o.Feature ?? "none", n.Feature ?? "none", o, n);
        }
        foreach (var n in ctx.New.Requirements.Where(n => ctx.Old.Requirements.All(o => o.Id != n.Id)))
            ctx.Report(DiffRules.ReqAdded, ctx.PathOf("requirement", n.Id), $"new requirement {n.Id}: {Text(n)}", null, Text(n), null, n);
    }

    private static string Level(RequirementSymbol r) => RequirementSymbol.LevelText(r.Level);
    private static string Role(RequirementSymbol r) => RequirementSymbol.RoleText(r.Role);
    private static string Text(RequirementSymbol r) => $"{Role(r)} {Level(r)} \"{r.Summary}\"";

    /// <summary>MUST / MUST NOT are strongest, MAY weakest.</summary>
    private static string Direction(RequirementLevel from, RequirementLevel to)
    {
        static int Strength(RequirementLevel l) => l switch
        {
            RequirementLevel.Must or RequirementLevel.MustNot => 2,
            RequirementLevel.Should or RequirementLevel.ShouldNot => 1,
            _ => 0,
        };
        int a = Strength(from), b = Strength(to);
        return a < b ? "strengthened" : a > b ? "weakened" : "inverted";
    }
}
