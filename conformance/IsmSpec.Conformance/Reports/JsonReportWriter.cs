using System.Text.Json;

namespace IsmSpec.Conformance.Reports;

/// <summary>Writes the run as JSON, schema <c>ismspec-conform/1</c> (documented in conformance/README.md).</summary>
public static class JsonReportWriter
{
    public const string Schema = "ismspec-conform/1";

    public static void Write(ConformanceReport report, Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteString("device", report.Device);
        w.WriteNumber("seed", report.Seed);
        w.WriteNumber("maxTests", report.MaxTests);
        w.WriteNumber("durationMs", (long)report.Duration.TotalMilliseconds);
        w.WriteBoolean("passed", report.Passed);
        w.WriteStartObject("summary");
        foreach (var status in Enum.GetValues<RequirementStatus>()) w.WriteNumber(StatusText.Of(status), report.Count(status));
        w.WriteEndObject();
        w.WriteStartArray("requirements");
        foreach (var r in report.Results) WriteResult(w, r);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, RequirementResult r)
    {
        var q = r.Requirement;
        w.WriteStartObject();
        w.WriteString("id", q.Id);
        w.WriteString("spec", q.Spec);
        w.WriteNumber("version", q.Version);
        w.WriteString("role", q.Role.ToString().ToLowerInvariant());
        w.WriteString("level", q.LevelText);
        w.WriteString("section", q.Section);
        w.WriteString("summary", q.Summary);
        w.WriteString("status", StatusText.Of(r.Status));
        if (r.Message is not null) w.WriteString("message", r.Message);
        if (r.Counterexample is not null) w.WriteString("counterexample", r.Counterexample);
        if (r.Replay is { } seed)
        {
            w.WriteStartObject("replay");
            w.WriteNumber("seed", seed);
            w.WriteString("command", StatusText.ReplayCommand(r));
            w.WriteEndObject();
        }
        w.WriteNumber("tests", r.TestsRun);
        w.WriteNumber("durationMs", (long)r.Duration.TotalMilliseconds);
        w.WriteEndObject();
    }
}
