using IsmSpec.SpecLanguage.Binding;
using static IsmSpec.SpecLanguage.Tests.SpecTest;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>ISM0002 (unknown type), ISM0003 (duplicate name), ISM0004 (duplicate requirement ID), ISM0016 (unknown constant).</summary>
public class NameDiagnosticTests
{
    [Fact]
    public void ISM0002_unknown_field_type_points_at_the_type_name()
    {
        var d = Single(Lines(Header, "struct s {", "  le32 a;", "  le33 b;", "}"), "ISM0002", "le33", 3, 2);
        Assert.Contains("unknown type 'le33'", d.Message);
    }

    [Fact]
    public void ISM0002_unknown_enum_wire_type_points_at_the_type_name()
    {
        Single(Lines(Header, "enum e : word { A = 1; }"), "ISM0002", "word", 1, 9);
    }

    [Fact]
    public void ISM0002_non_integer_enum_wire_type_points_at_the_type_name()
    {
        var d = Single(Lines(Header, "enum e : uuid { A = 1; }"), "ISM0002", "uuid", 1, 9);
        Assert.Contains("integer", d.Message);
    }

    [Fact]
    public void ISM0002_union_as_field_type_points_at_the_type_name()
    {
        Single(Lines(Header, "union u { view a { u8 x; } }", "struct s { u inner; }"), "ISM0002", "u", 2, 11);
    }

    [Fact]
    public void ISM0002_struct_containing_itself_points_at_the_inner_use()
    {
        var d = Single(Lines(Header, "struct s { u8 a; s b; }"), "ISM0002", "s", 1, 17);
        Assert.Contains("contains itself", d.Message);
    }

    [Fact]
    public void ISM0002_requirement_requiring_an_unknown_feature_points_at_the_feature()
    {
        Single(Lines(Header, "requirement R-1 device MUST \"x\" section \"s\" requires F_NOPE;"), "ISM0002", "F_NOPE", 1, 53);
    }

    [Fact]
    public void ISM0003_second_top_level_declaration_of_a_name_points_at_its_name()
    {
        var d = Single(Lines(Header, "const A = 1;", "struct A { u8 x; }"), "ISM0003", "A", 2, 7);
        Assert.Contains("already declared", d.Message);
    }

    [Fact]
    public void ISM0003_duplicate_field_points_at_the_second_field_name()
    {
        Single(Lines(Header, "struct s { u8 x; le16 x; }"), "ISM0003", "x", 1, 22);
    }

    [Fact]
    public void ISM0003_duplicate_enum_member_points_at_the_second_member()
    {
        Single(Lines(Header, "enum e : u8 { A = 1; A = 2; }"), "ISM0003", "A", 1, 21);
    }

    [Fact]
    public void ISM0003_names_that_become_the_same_csharp_name_clash()
    {
        var d = Single(Lines(Header, "struct foo_bar { u8 x; }", "struct FooBar { u8 y; }"), "ISM0003", "FooBar", 2, 7);
        Assert.Contains("C# name", d.Message);
    }

    [Fact]
    public void ISM0003_inline_view_struct_name_clashing_with_a_declared_struct_points_at_the_view()
    {
        Single(Lines(Header, "struct u_v { u8 x; }", "union u { view v { u8 y; } }"), "ISM0003", "v", 2, 15);
    }

    [Fact]
    public void ISM0003_duplicate_operation_parameter_points_at_the_second_parameter()
    {
        Single(Lines(Header, "ops o { void f(u8 a, u16 a); }"), "ISM0003", "a", 1, 25);
    }

    [Fact]
    public void ISM0004_duplicate_requirement_id_points_at_the_second_id()
    {
        var text = Lines(Header,
            "requirement R-1 device MUST \"a\" section \"s\";",
            "requirement R-1 driver MAY \"b\" section \"s\";");
        Single(text, "ISM0004", "R-1", 2, 12);
    }

    [Fact]
    public void ISM0004_requirement_id_reused_by_another_spec_points_at_the_later_spec()
    {
        var files = new[]
        {
            ("a.ism", Lines("spec one version 1;", "requirement X-1 device MUST \"a\" section \"s\";")),
            ("b.ism", Lines("spec two version 1;", "requirement X-1 device MUST \"b\" section \"s\";")),
        };
        var d = Single(files, "ISM0004", "X-1", 1, 12);
        Assert.Equal("b.ism", d.Span.Path);
        Assert.Contains("'one'", d.Message);
    }

    [Fact]
    public void Requirement_ids_may_repeat_across_versions_of_one_spec()
    {
        var c = SpecCompilation.FromText(
            ("a.ism", Lines("spec one version 1;", "requirement X-1 device MUST \"a\" section \"s\";")),
            ("b.ism", Lines("spec one version 2;", "requirement X-1 device MUST \"a\" section \"s\";")));
        Assert.Empty(c.Diagnostics);
    }

    [Fact]
    public void ISM0016_unknown_constant_points_at_the_name()
    {
        var d = Single(Lines(Header, "const A = B + 1;"), "ISM0016", "B", 1, 10);
        Assert.Contains("unknown constant 'B'", d.Message);
    }

    [Fact]
    public void ISM0016_unknown_constant_in_an_offset_points_at_the_name()
    {
        Single(Lines(Header, "struct s { le32 a @OFF; }"), "ISM0016", "OFF", 1, 19);
    }

    [Fact]
    public void ISM0016_unknown_constant_inside_an_array_length_expression_points_at_the_name()
    {
        Single(Lines(Header, "struct s { u8 a[N * 2]; }"), "ISM0016", "N", 1, 16);
    }

    [Fact]
    public void ISM0016_type_name_used_as_a_constant_points_at_the_name()
    {
        Single(Lines(Header, "struct s { u8 a; }", "const A = s;"), "ISM0016", "s", 2, 10);
    }

    [Fact]
    public void ISM0016_constant_defined_by_itself_is_reported_once()
    {
        var d = Single(Lines(Header, "const A = A;"), "ISM0016", "A", 1, 10);
        Assert.Contains("depends on itself", d.Message);
    }

    [Fact]
    public void ISM0016_cycle_through_two_constants_is_reported_once_where_it_closes()
    {
        Single(Lines(Header, "const A = B;", "const B = A;"), "ISM0016", "A", 2, 10);
    }
}
