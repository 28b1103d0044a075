using System.Text.Json;
using System.Xml.Linq;
using IsmSpec.Conformance.Reports;
using Spectre.Console;

namespace IsmSpec.Conformance.Tests;

public class ReportTests
{
    private static readonly ConformanceReport Report = new ConformanceRunner(new RunOptions(Seed: 5)).Run("toy device", [new ToySuite()]);

    [Fact]
    public void Json_lists_every_requirement_with_its_status_and_replay()
    {
        using var stream = new MemoryStream();
        JsonReportWriter.Write(Report, stream);
        using var doc = JsonDocument.Parse(stream.ToArray());
        var root = doc.RootElement;
        Assert.Equal("ismspec-conform/1", root.GetProperty("schema").GetString());
        Assert.Equal(5UL, root.GetProperty("seed").GetUInt64());
        Assert.False(root.GetProperty("passed").GetBoolean());
        var reqs = root.GetProperty("requirements").EnumerateArray().ToList();
        Assert.Equal(7, reqs.Count);
        var fail = reqs.Single(r => r.GetProperty("id").GetString() == "TOY-FAIL");
        Assert.Equal("fail", fail.GetProperty("status").GetString());
        Assert.Equal("ismspec conform --seed 5 --filter TOY-FAIL", fail.GetProperty("replay").GetProperty("command").GetString());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("not-covered").GetInt32());
    }

    [Fact]
    public void JUnit_has_a_suite_per_spec_with_failures_errors_and_skips()
    {
        using var stream = new MemoryStream();
        JUnitReportWriter.Write(Report, stream);
        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        var suite = xml.Root!.Element("testsuite")!;
        Assert.Equal("toy@1", suite.Attribute("name")!.Value);
        Assert.Equal("2", suite.Attribute("failures")!.Value);
        Assert.Equal("1", suite.Attribute("errors")!.Value);
        Assert.Equal("3", suite.Attribute("skipped")!.Value);
        Assert.Equal(7, suite.Elements("testcase").Count());
    }

    [Fact]
    public void Console_table_groups_by_spec_and_role_and_prints_replay_lines()
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 200;
        ConsoleReport.Write(console, Report);
        var output = text.ToString();
        Assert.Contains("toy@1 · device", output);
        Assert.Contains("toy@1 · driver", output);
        Assert.Contains("replay: ismspec conform --seed 5 --filter TOY-FAIL", output);
        Assert.Contains("1 passed, 2 failed, 1 errors", output);
    }
}
