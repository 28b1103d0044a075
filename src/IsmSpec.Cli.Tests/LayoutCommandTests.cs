namespace IsmSpec.Cli.Tests;

public sealed class LayoutCommandTests(TestSpecFolder specs) : IClassFixture<TestSpecFolder>
{
    [Fact]
    public void Struct_layout_lists_offsets_sizes_and_byte_orders()
    {
        var r = specs.Run("layout", "packet");
        r.AssertOk();
        var lines = r.OutLines;
        Assert.Equal("struct packet { /* demo@1, align 8 */", lines[0]);
        Assert.Contains(lines, l => l.Contains("hdr ") && l.Contains("head;") && l.EndsWith("/*     0     4 */"));
        Assert.Contains(lines, l => l.Contains("le32 ") && l.Contains("le_val;") && l.EndsWith("/*     4     4 le */"));
        Assert.Contains(lines, l => l.Contains("be32 ") && l.Contains("be_val;") && l.EndsWith("/*     8     4 be */"));
        Assert.Contains(lines, l => l.Contains("perm ") && l.Contains("access;") && l.EndsWith("/*    16     4 le */"));
        Assert.Contains(lines, l => l.Contains("uuid ") && l.Contains("id;") && l.EndsWith("/*    22    16 */"));
        Assert.Contains(lines, l => l.Contains("le16 ") && l.Contains("slots[2];") && l.EndsWith("/*    38     4 le */"));
        Assert.Equal("};", lines[^1]);
    }

    [Fact]
    public void Reserved_fields_and_bit_ranges_are_shown()
    {
        var lines = specs.Run("layout", "packet").OutLines;
        Assert.Contains(lines, l => l.Contains("reserved u8 ") && l.Contains("res[3];") && l.EndsWith("/*    13     3 */"));
        Assert.Contains(lines, l => l.Trim() == "ready         : 0;");
        Assert.Contains(lines, l => l.Trim() == "kind          : 1..3 as color;");
        Assert.Contains(lines, l => l.Trim() == "count         : 4..11;");
        Assert.Contains(lines, l => l.Trim() == "reserved rsvd : 12..15;");
    }

    [Fact]
    public void Tail_padding_and_summary_follow_pahole()
    {
        var lines = specs.Run("layout", "packet").OutLines;
        Assert.Equal("\t/* XXX 6 bytes tail padding */", lines[^3]);
        Assert.Equal("\t/* size: 48, members: 9, tail padding: 6 */", lines[^2]);
    }

    [Fact]
    public void Struct_without_padding_has_no_XXX_line()
    {
        var r = specs.Run("layout", "hdr");
        r.AssertOk();
        Assert.DoesNotContain("XXX", r.Out);
        Assert.Contains("/* size: 4, members: 2, tail padding: 0 */", r.Out);
        Assert.Contains("reserved be16", r.Out);
    }

    [Fact]
    public void Union_lists_every_view_with_its_tail()
    {
        var r = specs.Run("layout", "cmd");
        r.AssertOk();
        var lines = r.OutLines;
        Assert.Equal("union cmd { /* demo@1, align 16 */", lines[0]);
        Assert.Contains("\tview request { /* struct cmd_request */", lines);
        Assert.Contains("\tview response { /* struct cmd_response */", lines);
        Assert.Contains(lines, l => l.Contains("arg;") && l.EndsWith("/*     4     8 be */"));
        Assert.Contains("\t\t/* XXX 4 bytes tail padding */", lines);
        Assert.Contains("\t\t/* XXX 10 bytes tail padding */", lines);
        Assert.Contains("\t\t/* view size: 12, members: 2, tail padding: 4 */", lines);
        Assert.Equal("\t/* size: 16, members: 2, tail padding: 4 */", lines[^2]);
    }

    [Fact]
    public void Hostonly_fields_and_host_order_are_marked()
    {
        var r = specs.Run("layout", "host_rec");
        r.AssertOk();
        Assert.Contains("hostorder", r.OutLines[0]);
        Assert.Contains(r.OutLines, l => l.Contains("hostonly h64") && l.Contains("addr;") && l.EndsWith("/*     4     8 host */"));
    }

    [Fact]
    public void Tail_field_names_its_count()
    {
        var r = specs.Run("layout", "event");
        r.AssertOk();
        Assert.Contains(r.OutLines, l => l.Contains("items[num];") && l.EndsWith("/*     2     0 be tail of 4-byte elements, count in num */"));
    }

    [Theory]
    [InlineData("Packet")]
    [InlineData("demo:packet")]
    [InlineData("demo@1:packet")]
    [InlineData("demo@1:Packet")]
    public void Type_names_may_be_csharp_names_or_qualified(string name)
    {
        var r = specs.Run("layout", name);
        r.AssertOk();
        Assert.StartsWith("struct packet {", r.Out);
    }

    [Fact]
    public void Qualified_name_picks_one_version()
    {
        var r = specs.Run("layout", "demo@2:config");
        r.AssertOk();
        Assert.Contains("flags;", r.Out);
        Assert.Contains("/* demo@2 */", r.OutLines[0]);
    }

    [Fact]
    public void Ambiguous_name_lists_the_qualified_candidates()
    {
        var line = specs.Run("layout", "config").AssertUsageError();
        Assert.Equal("ismspec: 'config' is ambiguous: demo@1:config, demo@2:config, other@1:config", line);
        var first = specs.Run("layout", "demo:config");
        first.AssertOk();
        Assert.Contains("demo@1", first.OutLines[0]);
    }

    [Fact]
    public void Unknown_type_is_a_usage_error()
    {
        Assert.Equal("ismspec: unknown type 'nosuch'", specs.Run("layout", "nosuch").AssertUsageError());
        Assert.Contains("did you mean packet", specs.Run("layout", "pack").AssertUsageError());
    }

    [Fact]
    public void Unknown_spec_in_a_qualified_name_is_a_usage_error()
    {
        Assert.StartsWith("ismspec: unknown spec 'nosuch'", specs.Run("layout", "nosuch:packet").AssertUsageError());
        Assert.StartsWith("ismspec: unknown type 'other:packet'", specs.Run("layout", "other:packet").AssertUsageError());
    }

    [Theory]
    [InlineData("color", "an enum")]
    [InlineData("perm", "a flag set")]
    [InlineData("ctl", "a bitfield")]
    public void Non_struct_types_have_no_layout(string name, string kind)
    {
        Assert.Contains($"is {kind}, not a struct or union", specs.Run("layout", name).AssertUsageError());
        Assert.Contains($"is {kind}, not a struct or union", specs.Run("layout", name, "--json").AssertUsageError());
    }
}
