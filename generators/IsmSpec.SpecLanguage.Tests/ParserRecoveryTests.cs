using IsmSpec.SpecLanguage.Binding;
using IsmSpec.SpecLanguage.Model;
using static IsmSpec.SpecLanguage.Tests.SpecTest;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>One error per broken construct; valid declarations around broken ones still bind.</summary>
public class ParserRecoveryTests
{
    private static readonly string Broken = Lines(
        Header,                                                     // 0
        "const A = ;",                                              // 1  error: no value
        "struct ok1 { le32 x; }",                                   // 2
        "struct broken { le32 ; le16 y; }",                         // 3  error: field without a name
        "enum e : u8 { X = 1; Y 2; Z = 3; }",                       // 4  error: member without '='
        "const B = 2;",                                             // 5
        "requirement R-1 device MUTS \"x\" section \"s\";",         // 6  error: bad level
        "struct ok2 { le64 z @0; u8 w[B]; }",                       // 7
        "bitfield bf : le16 { lo : 0..3; hi : ..7; top : 15; }",    // 8  error: range without a start
        "union u { view a { u8 p; } oops; view b { le32 q; } }",    // 9  error: not a view
        "requirement R-2 driver MAY \"fine\" section \"s\";");      // 10

    private static SpecCompilation CompileBroken() => Compile(Broken);

    [Fact]
    public void Each_broken_construct_reports_exactly_one_syntax_error_on_its_line()
    {
        var c = CompileBroken();
        Assert.All(c.Diagnostics, d => Assert.Equal("ISM0001", d.Id));
        Assert.Equal(new[] { 1, 3, 4, 6, 8, 9 }, c.Diagnostics.Select(d => d.Span.StartLine));
    }

    [Fact]
    public void Errors_point_at_the_offending_token()
    {
        var c = CompileBroken();
        Assert.Equal(new[] { ";", ";", "2", "MUTS", "..", "oops" },
            c.Diagnostics.Select(d => Broken.Substring(d.Span.Start, d.Span.Length)));
    }

    [Fact]
    public void Valid_declarations_around_the_errors_still_bind()
    {
        var spec = Assert.Single(CompileBroken().Specs);
        Assert.Equal(4, spec.Struct("ok1").Size);
        var ok2 = spec.Struct("ok2");
        Assert.Equal(10, ok2.Size);
        Assert.Equal(2, ok2.Field("w").ArrayLength);
        Assert.Equal(2UL, spec.Constants.Single(k => k.Name == "B").Value);
        Assert.DoesNotContain(spec.Constants, k => k.Name == "A");
        Assert.Equal("R-2", Assert.Single(spec.Requirements).Id);
    }

    [Fact]
    public void Valid_members_of_a_broken_declaration_still_bind()
    {
        var spec = Assert.Single(CompileBroken().Specs);
        var broken = spec.Struct("broken");
        Assert.Equal("y", Assert.Single(broken.Fields).Name);
        Assert.Equal(0, broken.OffsetOf("y"));
        Assert.Equal(new[] { "X", "Z" }, spec.Enums.Single().Members.Select(m => m.Name));
        var bf = spec.Bitfields.Single();
        Assert.Equal(new[] { "lo", "top" }, bf.Members.Select(m => m.Name));
        var u = spec.Union("u");
        Assert.Equal(new[] { "a", "b" }, u.Views.Select(v => v.Name));
        Assert.Equal(4, u.Size);
    }

    [Fact]
    public void Missing_closing_brace_at_end_of_file_is_one_error_at_the_end()
    {
        var text = Lines(Header, "const K = 1;", "struct s {", "  le32 a;", "  le32 b;");
        var c = Compile(text);
        var d = Assert.Single(c.Diagnostics);
        Assert.Equal("ISM0001", d.Id);
        Assert.Equal((text.Length, 0), (d.Span.Start, d.Span.Length));
        Assert.Equal(1UL, Assert.Single(c.Specs).Constants.Single().Value);
    }

    [Fact]
    public void Broken_command_is_skipped_and_the_other_commands_of_the_set_bind()
    {
        var text = Lines(Header,
            "enum status : u8 { OK = 0; ERR = 1; }",
            "commandset c framing virtio_ctrl {",
            "  ack status ok OK error ERR;",
            "  command a (class 0, code 0) { request { le64 x; } }",
            "  command b (class 0 code 1) { request { le64 y; } }",
            "  command d (class 0, code 2) { reply { le32 z; } }",
            "}");
        var c = Compile(text);
        var d = Assert.Single(c.Diagnostics);
        Assert.Equal((5, "code"), (d.Span.StartLine, text.Substring(d.Span.Start, d.Span.Length)));
        var set = Assert.Single(Assert.Single(c.Specs).CommandSets);
        Assert.Equal(new[] { "a", "d" }, set.Commands.Select(k => k.Name));
    }

    [Fact]
    public void Broken_operation_is_skipped_and_the_rest_of_the_ops_table_binds()
    {
        var text = Lines(Header,
            "opaque dev;",
            "ops dev_ops {",
            "  u16 get_id(dev d);",
            "  errno broken(dev d u8 x);",
            "  optional group extra { void ping(dev d); }",
            "}");
        var c = Compile(text);
        Assert.Equal(4, Assert.Single(c.Diagnostics).Span.StartLine);
        var ops = Assert.Single(Assert.Single(c.Specs).Ops);
        Assert.Equal(new[] { "get_id" }, ops.Groups[0].Operations.Select(o => o.Name));
        Assert.Equal(new[] { "ping" }, ops.Groups[1].Operations.Select(o => o.Name));
        Assert.Equal(new[] { "dev" }, ops.Opaques);
    }

    [Fact]
    public void Errors_in_several_files_are_all_reported_with_their_own_paths()
    {
        var c = SpecCompilation.FromText(
            ("a.ism", Lines(Header, "const A = ;", "const B = 1;")),
            ("b.ism", Lines(Header, "struct s { le32 }", "const C = B + 1;")));
        Assert.Equal(new[] { ("a.ism", 1), ("b.ism", 1) }, c.Diagnostics.Select(d => (d.Span.Path, d.Span.StartLine)));
        Assert.Equal(2UL, Assert.Single(c.Specs).Constants.Single(k => k.Name == "C").Value);
    }

    [Fact]
    public void Semantic_errors_in_several_declarations_are_each_reported_once()
    {
        var c = Compile(Lines(Header,
            "struct a { nosuch x; }",
            "struct b { le32 p; le32 q @2; }",
            "enum e : u8 { V = 300; }",
            "const K = MISSING;",
            "struct good { a first; b second; }"));
        Assert.Equal(new[] { "ISM0002", "ISM0006", "ISM0005", "ISM0016" }, c.Diagnostics.Select(d => d.Id));
        var good = Assert.Single(c.Specs).Struct("good");
        Assert.Equal(new[] { 0, 0 }, good.Fields.Select(f => f.Offset));
        Assert.Equal(6, good.Size);
    }

    [Fact]
    public void File_without_a_header_is_skipped_but_other_files_bind()
    {
        var c = SpecCompilation.FromText(
            ("a.ism", Lines("struct s { le32 a; }")),
            ("b.ism", Lines(Header, "struct t { le64 a; }")));
        Assert.Equal("ISM0011", Assert.Single(c.Diagnostics).Id);
        var spec = Assert.Single(c.Specs);
        Assert.Null(spec.FindType("s"));
        Assert.Equal(8, spec.Struct("t").Size);
    }

    [Fact]
    public void Types_of_one_spec_may_be_split_over_files_in_any_order()
    {
        var c = SpecCompilation.FromText(
            ("z.ism", Lines(Header, "struct outer { inner i; le16 tail; }")),
            ("a.ism", Lines(Header, "struct inner { le32 x; }")));
        Assert.Empty(c.Diagnostics);
        var spec = Assert.Single(c.Specs);
        Assert.Equal(6, spec.Struct("outer").Size);
        Assert.Equal(new[] { "a.ism", "z.ism" }, spec.Files);
        Assert.IsType<StructType>(spec.FindType("Outer"));
    }
}
