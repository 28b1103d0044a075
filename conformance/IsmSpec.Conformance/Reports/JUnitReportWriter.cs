using System.Globalization;
using System.Xml;

namespace IsmSpec.Conformance.Reports;

/// <summary>JUnit XML for CI systems: a testsuite per spec, a testcase per requirement.</summary>
public static class JUnitReportWriter
{
    public static void Write(ConformanceReport report, Stream output)
    {
        using var w = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) });
        w.WriteStartElement("testsuites");
        w.WriteAttributeString("name", $"ismspec conform {report.Device}");
        w.WriteAttributeString("tests", report.Results.Count.ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("failures", report.Count(RequirementStatus.Fail).ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("errors", report.Count(RequirementStatus.Error).ToString(CultureInfo.InvariantCulture));
        foreach (var spec in report.Results.GroupBy(r => $"{r.Requirement.Spec}@{r.Requirement.Version}"))
        {
            w.WriteStartElement("testsuite");
            w.WriteAttributeString("name", spec.Key);
            w.WriteAttributeString("tests", spec.Count().ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("failures", spec.Count(r => r.Status == RequirementStatus.Fail).ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("errors", spec.Count(r => r.Status == RequirementStatus.Error).ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("skipped", spec.Count(r => !(r.Status is RequirementStatus.Pass or RequirementStatus.Fail or RequirementStatus.Error)).ToString(CultureInfo.InvariantCulture));
            foreach (var r in spec) WriteCase(w, r);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static void WriteCase(XmlWriter w, RequirementResult r)
    {
        w.WriteStartElement("testcase");
        w.WriteAttributeString("classname", $"{r.Requirement.Spec}.{r.Requirement.Role.ToString().ToLowerInvariant()}");
        w.WriteAttributeString("name", $"{r.Requirement.Id}: {r.Requirement.Summary}");
        w.WriteAttributeString("time", r.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        switch (r.Status)
        {
            case RequirementStatus.Fail:
                w.WriteStartElement("failure");
                w.WriteAttributeString("message", r.Message ?? "failed");
                w.WriteString($"counterexample: {r.Counterexample}\nreplay: {StatusText.ReplayCommand(r)}");
                w.WriteEndElement();
                break;
            case RequirementStatus.Error:
                w.WriteStartElement("error");
                w.WriteAttributeString("message", r.Message ?? "harness error");
                w.WriteEndElement();
                break;
            case RequirementStatus.Pass:
                break;
            default:
                w.WriteStartElement("skipped");
                w.WriteAttributeString("message", $"{StatusText.Of(r.Status)}: {r.Message}");
                w.WriteEndElement();
                break;
        }
        w.WriteEndElement();
    }
}
