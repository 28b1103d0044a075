using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using IsmSpec.SpecDiff.Model;

namespace IsmSpec.SpecDiff.Output;

/// <summary>JSON with the schema documented in README.md ("ismspec-diff/1").</summary>
public static class JsonReport
{
    public const string Schema = "ismspec-diff/1";

    public static void Write(TextWriter output, DiffReport report, DiffRunInfo info)
    {
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var w = new Utf8JsonWriter(buffer, options))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteString("old", info.OldInput);
            w.WriteString("new", info.NewInput);
            w.WriteString("failOn", info.FailOn.Label());
            w.WriteBoolean("failed", report.Fails(info.FailOn));
            w.WriteStartObject("summary");
            foreach (var c in DiffClasses.InReportOrder) w.WriteNumber(c.Label(), report.Count(c));
            w.WriteNumber("total", report.Findings.Count);
            w.WriteEndObject();
            w.WriteStartArray("findings");
            foreach (var f in report.Findings) WriteFinding(w, f, info.FailOn);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteFinding(Utf8JsonWriter w, Finding f, FailOn failOn)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        w.WriteString("class", f.Class.Label());
        w.WriteString("path", f.Path);
        w.WriteString("message", f.Message);
        w.WriteString("fingerprint", f.Fingerprint);
        w.WriteBoolean("fails", f.Class.Reaches(failOn));
        WriteNullableString(w, "oldValue", f.OldValue);
        WriteNullableString(w, "newValue", f.NewValue);
        WriteLocation(w, "oldLocation", f.OldLocation);
        WriteLocation(w, "newLocation", f.NewLocation);
        w.WriteEndObject();
    }

    private static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value == null) w.WriteNull(name); else w.WriteString(name, value);
    }

    private static void WriteLocation(Utf8JsonWriter w, string name, Location? l)
    {
        if (l == null) { w.WriteNull(name); return; }
        w.WriteStartObject(name);
        w.WriteString("file", l.File);
        w.WriteNumber("line", l.Line);
        w.WriteNumber("column", l.Column);
        w.WriteEndObject();
    }
}
