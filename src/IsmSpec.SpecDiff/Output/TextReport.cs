using IsmSpec.SpecDiff.Model;

namespace IsmSpec.SpecDiff.Output;

/// <summary>Plain text, grouped by class, ending in the summary line.</summary>
public static class TextReport
{
    public static void Write(TextWriter output, DiffReport report, DiffRunInfo info)
    {
        output.WriteLine($"ismspec diff {info.OldInput} -> {info.NewInput}");
        if (report.Findings.Count == 0) output.WriteLine("no changes");
        foreach (var c in DiffClasses.InReportOrder)
        {
            var group = report.Findings.Where(f => f.Class == c).ToList();
            if (group.Count == 0) continue;
            output.WriteLine();
            output.WriteLine($"{c.Label()} ({group.Count})");
            foreach (var f in group)
            {
                output.WriteLine($"  {f.RuleId} {f.Path} [{f.Fingerprint}]");
                output.WriteLine($"    {f.Message}");
                var where = Where(f);
                if (where.Length > 0) output.WriteLine($"    {where}");
            }
        }
        output.WriteLine();
        output.WriteLine(report.SummaryLine());
    }

    internal static string Where(Finding f)
    {
        var parts = new List<string>();
        if (f.OldLocation != null) parts.Add($"old {f.OldLocation}");
        if (f.NewLocation != null) parts.Add($"new {f.NewLocation}");
        return string.Join("  ", parts);
    }
}
