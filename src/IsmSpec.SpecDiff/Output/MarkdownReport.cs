using IsmSpec.SpecDiff.Model;

namespace IsmSpec.SpecDiff.Output;

/// <summary>Markdown for review comments: a summary line and one table per class.</summary>
public static class MarkdownReport
{
    public static void Write(TextWriter output, DiffReport report, DiffRunInfo info)
    {
        output.WriteLine($"## Spec diff: `{info.OldInput}` → `{info.NewInput}`");
        output.WriteLine();
        var verdict = report.Fails(info.FailOn) ? "fails" : "passes";
        output.WriteLine($"**{report.SummaryLine()}** — {verdict} `--fail-on {info.FailOn.Label()}`");
        foreach (var c in DiffClasses.InReportOrder)
        {
            var group = report.Findings.Where(f => f.Class == c).ToList();
            if (group.Count == 0) continue;
            output.WriteLine();
            output.WriteLine($"### {c.Label()} ({group.Count})");
            output.WriteLine();
            output.WriteLine("| Rule | Path | Explanation | Old | New | Fingerprint |");
            output.WriteLine("|---|---|---|---|---|---|");
            foreach (var f in group)
            {
                output.WriteLine($"| `{f.RuleId}` | `{Cell(f.Path)}` | {Cell(f.Message)} | {Loc(f.OldLocation)} | {Loc(f.NewLocation)} | `{f.Fingerprint}` |");
            }
        }
    }

    private static string Loc(Location? l) => l == null ? "—" : $"`{Cell(l.ToString())}`";

    /// <summary>Table cells cannot hold pipes or line breaks.</summary>
    internal static string Cell(string s) => s.Replace("\\", "\\\\").Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
