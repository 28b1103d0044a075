using IsmSpec.SpecDiff.Model;

namespace IsmSpec.SpecDiff.Output;

public enum ReportFormat { Text, Markdown, Json, JUnit }

/// <summary>What a report is about: the two inputs as given and the fail-on threshold.</summary>
public sealed record DiffRunInfo(string OldInput, string NewInput, FailOn FailOn);

public static class ReportFormats
{
    public static bool TryParse(string? text, out ReportFormat format)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "text": format = ReportFormat.Text; return true;
            case "markdown": case "md": format = ReportFormat.Markdown; return true;
            case "json": format = ReportFormat.Json; return true;
            case "junit": format = ReportFormat.JUnit; return true;
            default: format = ReportFormat.Text; return false;
        }
    }

    public static void Write(ReportFormat format, TextWriter output, DiffReport report, DiffRunInfo info)
    {
        switch (format)
        {
            case ReportFormat.Markdown: MarkdownReport.Write(output, report, info); break;
            case ReportFormat.Json: JsonReport.Write(output, report, info); break;
            case ReportFormat.JUnit: JUnitReport.Write(output, report, info); break;
            default: TextReport.Write(output, report, info); break;
        }
    }
}
