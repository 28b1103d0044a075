using System.Text.Json;

namespace IsmSpec.Cli.Tests;

public sealed class RequirementsCommandTests(TestSpecFolder specs) : IClassFixture<TestSpecFolder>
{
    [Fact]
    public void Table_lists_every_requirement_with_feature_and_untestable_reason()
    {
        var r = specs.Run("requirements");
        r.AssertOk();
        var lines = r.OutLines;
        Assert.Equal(["ID", "SPEC", "ROLE", "LEVEL", "SECTION", "SUMMARY"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^DEMO-A-1 +demo@1 +device +MUST +Packets +the device zeroes a new packet$", lines[1]);
        Assert.Matches(@"^DEMO-A-2 +demo@1 +driver +SHOULD NOT +Slots +the driver avoids slot 0 \[requires DEMO_F_FAST\]$", lines[2]);
        Assert.EndsWith("a client may ignore events [untestable: no observable effect]", lines[3]);
        Assert.Matches(@"^DEMO2-B-1 +demo@2 +layer +MUST NOT +Ordering", lines[4]);
        Assert.StartsWith("OTHER-1", lines[5]);
        Assert.Equal("5 requirements", lines[^1]);
    }

    [Fact]
    public void Spec_name_selects_every_version()
    {
        var r = specs.Run("requirements", "--spec", "demo");
        r.AssertOk();
        Assert.Equal("4 requirements", r.OutLines[^1]);
        Assert.DoesNotContain("OTHER-1", r.Out);
    }

    [Fact]
    public void Spec_with_version_selects_one()
    {
        var r = specs.Run("requirements", "--spec", "demo@2");
        r.AssertOk();
        Assert.Equal(3, r.OutLines.Length);
        Assert.StartsWith("DEMO2-B-1", r.OutLines[1]);
    }

    [Theory]
    [InlineData("nosuch")]
    [InlineData("demo@3")]
    [InlineData("demo@x")]
    public void Unknown_spec_is_a_usage_error(string spec)
    {
        var line = specs.Run("requirements", "--spec", spec).AssertUsageError();
        Assert.Equal($"ismspec: unknown spec '{spec}' (known: demo@1, demo@2, other@1)", line);
    }

    [Fact]
    public void Json_is_an_array_of_objects_without_null_members()
    {
        var r = specs.Run("requirements", "--spec", "demo", "--json");
        r.AssertOk();
        var items = JsonDocument.Parse(r.Out).RootElement.EnumerateArray().ToArray();
        Assert.Equal(["DEMO-A-1", "DEMO-A-2", "DEMO-A-3", "DEMO2-B-1"], items.Select(i => i.GetProperty("id").GetString()));

        var first = items[0];
        Assert.Equal(["id", "spec", "version", "role", "level", "section", "summary"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("demo", first.GetProperty("spec").GetString());
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal("device", first.GetProperty("role").GetString());
        Assert.Equal("MUST", first.GetProperty("level").GetString());
        Assert.Equal("Packets", first.GetProperty("section").GetString());
        Assert.Equal("the device zeroes a new packet", first.GetProperty("summary").GetString());

        Assert.Equal("DEMO_F_FAST", items[1].GetProperty("feature").GetString());
        Assert.Equal("SHOULD NOT", items[1].GetProperty("level").GetString());
        Assert.False(items[1].TryGetProperty("untestable", out _));
        Assert.Equal("no observable effect", items[2].GetProperty("untestable").GetString());
        Assert.Equal("client", items[2].GetProperty("role").GetString());
        Assert.Equal(2, items[3].GetProperty("version").GetInt32());
        Assert.Equal("layer", items[3].GetProperty("role").GetString());
        Assert.Equal("MUST NOT", items[3].GetProperty("level").GetString());
    }
}
