using System.Xml.Linq;
using IsmSpec.SpecDiff.Model;

namespace IsmSpec.SpecDiff.Output;

/// <summary>JUnit XML: one testcase per finding; a failure for each finding at or above --fail-on.</summary>
public static class JUnitReport
{
    public static void Write(TextWriter output, DiffReport report, DiffRunInfo info)
    {
        int failures = report.Findings.Count(f => f.Class.Reaches(info.FailOn));
        var suite = new XElement("testsuite",
            new XAttribute("name", $"ismspec diff {info.OldInput} -> {info.NewInput}"),
            new XAttribute("tests", report.Findings.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("skipped", 0),
            new XElement("properties",
                new XElement("property", new XAttribute("name", "failOn"), new XAttribute("value", info.FailOn.Label())),
                new XElement("property", new XAttribute("name", "summary"), new XAttribute("value", report.SummaryLine()))));
        foreach (var f in report.Findings) suite.Add(TestCase(f, info.FailOn));
        var root = new XElement("testsuites",
            new XAttribute("name", "ismspec diff"),
            new XAttribute("tests", report.Findings.Count),
            new XAttribute("failures", failures),
            suite);
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null), root);
        output.WriteLine(doc.Declaration);
        output.WriteLine(root.ToString());
    }

    private static XElement TestCase(Finding f, FailOn failOn)
    {
        var testCase = new XElement("testcase",
            new XAttribute("classname", $"{f.Class.Label()}.{f.RuleId}"),
            new XAttribute("name", $"{f.Path} [{f.Fingerprint}]"));
        var body = string.Join("\n", new[] { f.Message, TextReport.Where(f),
            f.OldValue != null ? $"old value: {f.OldValue}" : null, f.NewValue != null ? $"new value: {f.NewValue}" : null }
            .Where(s => !string.IsNullOrEmpty(s)));
        if (f.Class.Reaches(failOn))
            testCase.Add(new XElement("failure", new XAttribute("type", f.RuleId), new XAttribute("message", f.Message), body));
        else
            testCase.Add(new XElement("system-out", body));
        return testCase;
    }
}
