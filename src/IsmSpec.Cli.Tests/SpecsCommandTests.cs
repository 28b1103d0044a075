namespace IsmSpec.Cli.Tests;

public sealed class SpecsCommandTests(TestSpecFolder specs) : IClassFixture<TestSpecFolder>
{
    [Fact]
    public void One_row_per_spec_with_counts()
    {
        var r = specs.Run("specs");
        r.AssertOk();
        var rows = r.OutLines.Take(4).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.Equal(["SPEC", "VERSION", "NAMESPACE", "STRUCTS", "UNIONS", "ENUMS", "FLAGS", "BITFIELDS", "COMMANDS", "OPS", "FEATURES", "REQUIREMENTS"], rows[0]);
        // demo@1: 7 structs (5 declared + 2 union views), 1 union, 1 enum, 1 flag set, 1 bitfield, 1 feature, 3 requirements.
        Assert.Equal(["demo", "1", "IsmSpec.Specs.Demo", "7", "1", "1", "1", "1", "0", "0", "1", "3"], rows[1]);
        Assert.Equal(["demo", "2", "IsmSpec.Specs.Demo.V2", "1", "0", "0", "0", "0", "0", "0", "0", "1"], rows[2]);
        Assert.Equal(["other", "1", "IsmSpec.Specs.Other", "2", "0", "0", "0", "0", "0", "0", "0", "1"], rows[3]);
    }

    [Fact]
    public void Type_names_are_grouped_by_kind()
    {
        var lines = specs.Run("specs").OutLines;
        int demo = Array.IndexOf(lines, "demo@1:");
        Assert.True(demo > 0);
        Assert.Equal("  structs:        hdr, packet, event, host_rec, config", lines[demo + 1]);
        Assert.Equal("  inline structs: cmd_request, cmd_response", lines[demo + 2]);
        Assert.Equal("  unions:         cmd", lines[demo + 3]);
        Assert.Equal("  enums:          color", lines[demo + 4]);
        Assert.Equal("  flags:          perm", lines[demo + 5]);
        Assert.Equal("  bitfields:      ctl", lines[demo + 6]);
        Assert.Contains("other@1:", lines);
    }

    [Fact]
    public void Embedded_specs_are_used_without_specs_option()
    {
        var r = CliResult.Run("specs");
        r.AssertOk();
        Assert.Contains(r.OutLines, l => l.StartsWith("virtio-ism ") && l.Contains("IsmSpec.Specs.VirtioIsm "));
        Assert.Contains(r.OutLines, l => l.StartsWith("s390-ism "));
    }
}
