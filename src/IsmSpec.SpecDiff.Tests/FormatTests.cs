using System.Text.Json;
using System.Xml.Linq;

namespace IsmSpec.SpecDiff.Tests;

/// <summary>The machine formats parse and carry what README.md documents.</summary>
public class FormatTests
{
    private static readonly string V1 = RepoPaths.Spec("virtio-ism", "v1");
    private static readonly string V2 = RepoPaths.Spec("virtio-ism", "v2");

    [Fact]
    public void Json_follows_the_documented_schema()
    {
        var (code, stdout, _) = AcceptanceTests.Run(V1, V2, "wire", "json");
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("ismspec-diff/1", root.GetProperty("schema").GetString());
        Assert.Equal("wire", root.GetProperty("failOn").GetString());
        Assert.True(root.GetProperty("failed").GetBoolean());
        var summary = root.GetProperty("summary");
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(findings.Count, summary.GetProperty("total").GetInt32());
        Assert.Equal(findings.Count(f => f.GetProperty("class").GetString() == "wire-breaking"), summary.GetProperty("wire-breaking").GetInt32());
        foreach (var f in findings)
        {
            foreach (var name in new[] { "ruleId", "class", "path", "message", "fingerprint" })
                Assert.Equal(JsonValueKind.String, f.GetProperty(name).ValueKind);
            Assert.Contains(f.GetProperty("fails").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
            foreach (var side in new[] { "oldLocation", "newLocation" })
            {
                var loc = f.GetProperty(side);
                if (loc.ValueKind == JsonValueKind.Null) continue;
                Assert.Equal(JsonValueKind.String, loc.GetProperty("file").ValueKind);
                Assert.True(loc.GetProperty("line").GetInt32() >= 1);
                Assert.True(loc.GetProperty("column").GetInt32() >= 1);
            }
        }
        var device = findings.Single(f => f.GetProperty("ruleId").GetString() == "DEVICE-ID-CHANGED");
        Assert.Equal("VIRTIO_ID_ISM=44", device.GetProperty("newValue").GetString());
    }

    [Fact]
    public void Junit_has_one_testcase_per_finding_and_failures_at_or_above_fail_on()
    {
        var (_, json, _) = AcceptanceTests.Run(V1, V2, "source", "json");
        using var doc = JsonDocument.Parse(json);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        int failing = findings.Count(f => f.GetProperty("class").GetString() is "wire-breaking" or "source-breaking");

        var (code, stdout, _) = AcceptanceTests.Run(V1, V2, "source", "junit");
        Assert.Equal(1, code);
        var xml = XDocument.Parse(stdout);
        var cases = xml.Descendants("testcase").ToList();
        Assert.Equal(findings.Count, cases.Count);
        Assert.Equal(failing, cases.Count(c => c.Element("failure") != null));
        Assert.Equal(failing.ToString(), xml.Root!.Attribute("failures")!.Value);
        Assert.Contains(cases, c => c.Attribute("classname")!.Value == "wire-breaking.DEVICE-ID-CHANGED");
    }

    [Fact]
    public void Markdown_has_a_summary_and_a_table_per_class()
    {
        var (_, stdout, _) = AcceptanceTests.Run(V1, V2, "wire", "markdown");
        Assert.Contains("wire-breaking, ", stdout);
        Assert.Contains("fails `--fail-on wire`", stdout);
        Assert.Contains("### wire-breaking (", stdout);
        Assert.Contains("| Rule | Path | Explanation | Old | New | Fingerprint |", stdout);
        foreach (var row in stdout.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
            Assert.Equal(7, row.Replace("\\|", "").Count(c => c == '|'));
    }

    [Fact]
    public void Empty_diff_in_every_format()
    {
        foreach (var format in new[] { "text", "markdown", "json", "junit" })
        {
            var (code, stdout, _) = AcceptanceTests.Run(V1, V1, "any", format);
            Assert.Equal(0, code);
            Assert.False(string.IsNullOrWhiteSpace(stdout));
        }
    }
}
