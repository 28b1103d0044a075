using IsmSpec.SpecDiff.Input;

namespace IsmSpec.SpecDiff.Tests;

/// <summary>Exit codes of <c>ismspec diff</c>: 0 nothing reaches --fail-on, 1 something does, 2 errors.</summary>
public class RunnerTests
{
    private static string Fixture(string rule, string side) => Path.Combine(FixtureLoader.Root, rule, side + ".ism");

    [Theory]
    [InlineData("FIELD-MOVED", "wire", 1)]       // wire-breaking only
    [InlineData("FIELD-MOVED", "none", 0)]
    [InlineData("FIELD-RENAMED", "wire", 0)]     // source-breaking only
    [InlineData("FIELD-RENAMED", "source", 1)]
    [InlineData("FIELD-RENAMED", "normative", 1)]
    [InlineData("TYPE-ADDED", "normative", 0)]   // compatible only
    [InlineData("TYPE-ADDED", "any", 1)]
    [InlineData("REQ-ADDED", "source", 0)]       // normative only
    [InlineData("REQ-ADDED", "normative", 1)]
    public void Exit_code_follows_fail_on(string rule, string failOn, int expected)
    {
        var (code, _, stderr) = AcceptanceTests.Run(Fixture(rule, "previous"), Fixture(rule, "current"), failOn);
        Assert.True(expected == code, $"exit {code}, stderr: {stderr}");
    }

    [Fact]
    public void Missing_input_is_one_line_and_exit_2()
    {
        var (code, stdout, stderr) = AcceptanceTests.Run("/no/such/spec.ism", Fixture("FIELD-MOVED", "current"));
        Assert.Equal(DiffRunner.Error, code);
        Assert.Empty(stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/no/such/spec.ism", stderr);
    }

    [Fact]
    public void Spec_errors_are_printed_and_exit_2()
    {
        var dir = Directory.CreateTempSubdirectory("ismspec-diff-");
        try
        {
            var bad = Path.Combine(dir.FullName, "bad.ism");
            File.WriteAllText(bad, "spec fx version 1;\nstruct s { nosuchtype a; }\n");
            var (code, stdout, stderr) = AcceptanceTests.Run(bad, Fixture("FIELD-MOVED", "current"));
            Assert.Equal(DiffRunner.Error, code);
            Assert.Empty(stdout);
            Assert.Contains("bad.ism:2:", stderr);
            Assert.Contains("ISM0002", stderr);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void An_empty_folder_is_an_error()
    {
        var dir = Directory.CreateTempSubdirectory("ismspec-diff-");
        try
        {
            var (code, _, stderr) = AcceptanceTests.Run(dir.FullName, Fixture("FIELD-MOVED", "current"));
            Assert.Equal(DiffRunner.Error, code);
            Assert.Contains("no spec found", stderr);
        }
        finally { dir.Delete(true); }
    }

    [Theory]
    [InlineData("yaml", "wire")]
    [InlineData("text", "sometimes")]
    public void Unknown_format_or_threshold_exits_2(string format, string failOn)
    {
        var (code, _, stderr) = AcceptanceTests.Run(Fixture("FIELD-MOVED", "previous"), Fixture("FIELD-MOVED", "current"), failOn, format);
        Assert.Equal(DiffRunner.Error, code);
        Assert.StartsWith("ismspec: unknown", stderr);
    }

    [Fact]
    public void Text_output_is_grouped_by_class_with_a_summary_line()
    {
        var (_, stdout, _) = AcceptanceTests.Run(Fixture("ACK-SET-CHANGED", "previous"), Fixture("ACK-SET-CHANGED", "current"));
        var lines = stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        int wire = lines.IndexOf("wire-breaking (1)");
        int compatible = lines.IndexOf("compatible (1)");
        Assert.True(wire > 0 && compatible > wire, stdout);
        Assert.Contains("  ACK-SET-CHANGED fx/commandset:c.ack [", stdout);
        Assert.Equal("1 wire-breaking, 0 source-breaking, 1 compatible, 0 normative", lines.Last(l => l.Length > 0));
    }
}
