using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Engine;

/// <summary>
/// The diff engine: matches the specs of OLD and NEW (one each: always paired; otherwise by name@version,
/// then by name) and runs every rule over each pair.
/// </summary>
public static class SpecDiffer
{
    /// <summary>The default locator: the span's own file, 1-based line and column.</summary>
    public static Location? DefaultLocator(SpecLanguage.Text.SourceSpan span) =>
        new(span.Path, span.StartLine + 1, span.StartColumn + 1);

    public static DiffReport Diff(IReadOnlyList<SpecModel> oldSpecs, IReadOnlyList<SpecModel> newSpecs,
        Locator? oldLocator = null, Locator? newLocator = null)
    {
        oldLocator ??= DefaultLocator;
        newLocator ??= DefaultLocator;
        var findings = new List<Finding>();
        var (pairs, removed, added) = Match(oldSpecs, newSpecs);
        foreach (var (o, n) in pairs)
        {
            var ctx = new DiffContext(o, n, oldLocator, newLocator, findings);
            DeclarationDiff.Compare(ctx);
            TypeDiff.Compare(ctx);
            CommandDiff.Compare(ctx);
            OpsDiff.Compare(ctx);
            RequirementDiff.Compare(ctx);
        }
        foreach (var o in removed)
            findings.Add(new Finding(DiffRules.SpecRemoved, $"{o.Name}/spec:{o.Key}", $"spec {o.Key} is not in NEW", o.Key, null,
                o.Span.IsEmpty ? null : oldLocator(o.Span), null));
        foreach (var n in added)
            findings.Add(new Finding(DiffRules.SpecAdded, $"{n.Name}/spec:{n.Key}", $"spec {n.Key} is new", null, n.Key,
                null, n.Span.IsEmpty ? null : newLocator(n.Span)));
        return new DiffReport(findings);
    }

    internal static (List<(SpecModel, SpecModel)> Pairs, List<SpecModel> Removed, List<SpecModel> Added) Match(
        IReadOnlyList<SpecModel> oldSpecs, IReadOnlyList<SpecModel> newSpecs)
    {
        if (oldSpecs.Count == 1 && newSpecs.Count == 1) return ([(oldSpecs[0], newSpecs[0])], [], []);
        var pairs = new List<(SpecModel, SpecModel)>();
        var oldLeft = oldSpecs.ToList();
        var newLeft = newSpecs.ToList();
        foreach (var o in oldSpecs)
        {
            var n = newLeft.FirstOrDefault(s => s.Key == o.Key);
            if (n == null) continue;
            pairs.Add((o, n)); oldLeft.Remove(o); newLeft.Remove(n);
        }
        foreach (var o in oldLeft.ToList())
        {
            var candidates = newLeft.Where(s => s.Name == o.Name).ToList();
            if (candidates.Count != 1 || oldLeft.Count(s => s.Name == o.Name) != 1) continue;
            pairs.Add((o, candidates[0])); oldLeft.Remove(o); newLeft.Remove(candidates[0]);
        }
        return (pairs, oldLeft, newLeft);
    }
}
