namespace IsmSpec.SpecDiff.Model;

/// <summary>The findings of one diff, deduplicated by fingerprint and in a stable order.</summary>
public sealed class DiffReport
{
    public DiffReport(IEnumerable<Finding> findings)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Findings = findings
            .Where(f => seen.Add(f.Fingerprint))
            .OrderBy(f => f.Class)
            .ThenBy(f => f.Path, StringComparer.Ordinal)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.Fingerprint, StringComparer.Ordinal)
            .ToList();
    }

    public IReadOnlyList<Finding> Findings { get; }

    public int Count(DiffClass c) => Findings.Count(f => f.Class == c);

    /// <summary>True when at least one finding reaches the <c>--fail-on</c> threshold.</summary>
    public bool Fails(FailOn failOn) => Findings.Any(f => f.Class.Reaches(failOn));

    /// <summary><c>4 wire-breaking, 1 source-breaking, 2 compatible, 3 normative</c>.</summary>
    public string SummaryLine() =>
        string.Join(", ", DiffClasses.InReportOrder.Select(c => $"{Count(c)} {c.Label()}"));
}
