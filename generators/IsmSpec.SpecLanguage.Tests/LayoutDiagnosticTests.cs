using static IsmSpec.SpecLanguage.Tests.SpecTest;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>ISM0006 (layout mismatch), ISM0007 (bitfield), ISM0008 (count), ISM0012 (host order), ISM0013 (tail), ISM0014 (align).</summary>
public class LayoutDiagnosticTests
{
    [Fact]
    public void ISM0006_overlapping_field_points_at_its_declared_offset()
    {
        var d = Single(Lines(Header, "struct s {", "  le32 a @0;", "  le32 b @2;", "}"), "ISM0006", "2", 3, 10);
        Assert.Contains("overlaps the previous field by 2 bytes", d.Message);
    }

    [Fact]
    public void ISM0006_gap_before_a_field_points_at_its_declared_offset()
    {
        var d = Single(Lines(Header, "struct s {", "  le32 a @0;", "  le32 b @8;", "}"), "ISM0006", "8", 3, 10);
        Assert.Contains("gap of 4 bytes", d.Message);
        Assert.Contains("reserved", d.Message);
    }

    [Fact]
    public void ISM0006_offset_given_by_a_constant_points_at_the_constant_name()
    {
        Single(Lines(Header, "const OFF = 2;", "struct s { le32 a; le32 b @OFF; }"), "ISM0006", "OFF", 2, 27);
    }

    [Fact]
    public void ISM0006_later_fields_follow_the_declared_offset_so_one_mistake_is_one_error()
    {
        var c = Compile(Lines(Header, "struct s { le32 a @0; le32 b @8; le32 c @12; }"));
        var d = Assert.Single(c.Diagnostics);
        Assert.Equal("ISM0006", d.Id);
        Assert.Equal(16, Assert.Single(c.Specs).Struct("s").Size);
    }

    [Fact]
    public void ISM0006_struct_size_attribute_that_disagrees_points_at_the_size()
    {
        var d = Single(Lines(Header, "struct s size 8 { le32 a; }"), "ISM0006", "8", 1, 14);
        Assert.Contains("fields take 4", d.Message);
    }

    [Fact]
    public void ISM0006_union_size_attribute_that_disagrees_points_at_the_size()
    {
        var d = Single(Lines(Header, "union u size 8 { view a { le64 x; le32 y; } }"), "ISM0006", "8", 1, 13);
        Assert.Contains("need 12", d.Message);
    }

    [Fact]
    public void ISM0007_member_past_the_top_bit_points_at_its_bit_range()
    {
        var d = Single(Lines(Header, "bitfield b : u8 {", "  low : 0..3;", "  high : 4..8;", "}"), "ISM0007", "4..8", 3, 9);
        Assert.Contains("bits 0..7", d.Message);
    }

    [Fact]
    public void ISM0007_single_bit_past_the_top_points_at_the_bit()
    {
        Single(Lines(Header, "bitfield b : be16 { top : 16; }"), "ISM0007", "16", 1, 26);
    }

    [Fact]
    public void ISM0007_overlapping_member_points_at_its_bit_range()
    {
        var d = Single(Lines(Header, "bitfield b : u8 {", "  low : 0..3;", "  mid : 3;", "}"), "ISM0007", "3", 3, 8);
        Assert.Contains("overlaps", d.Message);
    }

    [Fact]
    public void ISM0007_reversed_range_points_at_the_range()
    {
        Single(Lines(Header, "bitfield b : u8 {", "  r : 5..2;", "}"), "ISM0007", "5..2", 2, 6);
    }

    [Fact]
    public void ISM0008_tail_sized_by_a_non_integer_field_points_at_the_count_name()
    {
        var d = Single(Lines(Header, "struct s {", "  uuid id;", "  u8 data[id];", "}"), "ISM0008", "id", 3, 10);
        Assert.Contains("not an integer field", d.Message);
    }

    [Fact]
    public void ISM0008_tail_sized_by_an_array_field_points_at_the_count_name()
    {
        Single(Lines(Header, "struct s { le16 n[2]; u8 data[n]; }"), "ISM0008", "n", 1, 30);
    }

    [Fact]
    public void ISM0008_tail_sized_by_an_unknown_name_points_at_the_name()
    {
        var d = Single(Lines(Header, "struct s { u8 data[n]; }"), "ISM0008", "n", 1, 19);
        Assert.Contains("neither", d.Message);
    }

    [Fact]
    public void ISM0008_tail_sized_by_a_later_field_points_at_the_name()
    {
        Single(Lines(Header, "struct s { u8 data[n]; le32 n; }"), "ISM0008", "n", 1, 19);
    }

    [Fact]
    public void ISM0008_zero_length_array_points_at_the_length()
    {
        Single(Lines(Header, "struct s {", "  u8 pad[0];", "}"), "ISM0008", "0", 2, 9);
    }

    [Fact]
    public void ISM0008_array_longer_than_a_mebibyte_of_elements_points_at_the_length()
    {
        Single(Lines(Header, "struct s { u8 big[0x100001]; }"), "ISM0008", "0x100001", 1, 18);
    }

    [Fact]
    public void ISM0012_host_order_field_outside_a_hostorder_struct_points_at_the_type()
    {
        var d = Single(Lines(Header, "struct s {", "  le32 a;", "  h32 b;", "}"), "ISM0012", "h32", 3, 2);
        Assert.Contains("hostorder", d.Message);
    }

    [Fact]
    public void ISM0012_enum_over_a_host_order_type_outside_a_hostorder_struct_points_at_the_type()
    {
        Single(Lines(Header, "enum e : h16 { A = 1; }", "struct s { e x; }"), "ISM0012", "e", 2, 11);
    }

    [Fact]
    public void ISM0012_hostorder_struct_nested_in_a_plain_struct_points_at_the_type()
    {
        Single(Lines(Header, "struct h hostorder { h16 a; }", "struct s { h inner; }"), "ISM0012", "h", 2, 11);
    }

    [Fact]
    public void ISM0012_host_order_field_in_a_union_view_without_hostorder_points_at_the_type()
    {
        Single(Lines(Header, "union u { view v { h64 x; } }"), "ISM0012", "h64", 1, 19);
    }

    [Fact]
    public void ISM0013_tail_followed_by_another_field_points_at_the_tail()
    {
        var d = Single(Lines(Header, "struct s {", "  le32 n;", "  u8 data[n];", "  le32 after;", "}"), "ISM0013", "data", 3, 5);
        Assert.Contains("last field", d.Message);
    }

    [Fact]
    public void ISM0013_struct_ending_in_a_tail_nested_in_another_points_at_the_type()
    {
        Single(Lines(Header, "struct t { le32 n; u8 d[n]; }", "struct s { t inner; }"), "ISM0013", "t", 2, 11);
    }

    [Fact]
    public void ISM0014_misaligned_field_points_at_its_alignment()
    {
        var d = Single(Lines(Header, "struct s {", "  u8 a;", "  le32 b align 4;", "}"), "ISM0014", "4", 3, 15);
        Assert.Contains("offset 1", d.Message);
    }

    [Fact]
    public void ISM0014_is_checked_against_the_declared_offset()
    {
        Single(Lines(Header, "struct s { le16 a; le16 b; le64 c @4 align 8; }"), "ISM0014", "8", 1, 43);
    }
}
