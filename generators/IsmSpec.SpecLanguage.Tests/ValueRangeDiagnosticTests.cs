using static IsmSpec.SpecLanguage.Tests.SpecTest;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>ISM0005: a value out of range for its type; the span is the offending value or expression.</summary>
public class ValueRangeDiagnosticTests
{
    private const string Status = "enum status : u8 { OK = 0; ERR = 1; }";

    [Fact]
    public void ISM0005_enum_member_above_u8_points_at_the_value()
    {
        var d = Single(Lines(Header, "enum e : u8 { A = 255; B = 256; }"), "ISM0005", "256", 1, 27);
        Assert.Contains("0..255", d.Message);
    }

    [Fact]
    public void ISM0005_enum_member_above_be16_points_at_the_value_expression()
    {
        Single(Lines(Header, "enum e : be16 { A = 0xFFFF + 1; }"), "ISM0005", "0xFFFF + 1", 1, 20);
    }

    [Fact]
    public void ISM0005_feature_bit_above_63_points_at_the_bit_number()
    {
        var d = Single(Lines(Header, "feature F_OK = 63;", "feature F_BAD = 64;"), "ISM0005", "64", 2, 16);
        Assert.Contains("0..63", d.Message);
    }

    [Fact]
    public void ISM0005_command_class_above_255_points_at_the_class_value()
    {
        var text = Lines(Header, Status,
            "commandset c framing virtio_ctrl {",
            "  ack status ok OK error ERR;",
            "  command x (class 256, code 0) { request { le64 a; } }",
            "}");
        var d = Single(text, "ISM0005", "256", 4, 19);
        Assert.Contains("class", d.Message);
    }

    [Fact]
    public void ISM0005_virtio_command_code_above_255_points_at_the_code_value()
    {
        var text = Lines(Header, Status,
            "commandset c framing virtio_ctrl {",
            "  ack status ok OK error ERR;",
            "  command x (class 1, code 0x100) { request { le64 a; } }",
            "}");
        Single(text, "ISM0005", "0x100", 4, 27);
    }

    [Fact]
    public void ISM0005_number_that_does_not_fit_64_bits_points_at_the_literal()
    {
        Single(Lines(Header, "const A = 18446744073709551616;"), "ISM0005", "18446744073709551616", 1, 10);
    }

    [Fact]
    public void Largest_64_bit_number_is_accepted()
    {
        var spec = Bind("const A = 18446744073709551615;", "const B = 0xFFFF_FFFF_FFFF_FFFF;");
        Assert.All(spec.Constants, c => Assert.Equal(ulong.MaxValue, c.Value));
    }

    [Fact]
    public void ISM0005_negative_value_covers_the_minus_and_its_operand()
    {
        Single(Lines(Header, "const A = -1;"), "ISM0005", "-1", 1, 10);
    }

    [Fact]
    public void ISM0005_shift_past_64_bits_covers_the_shift_expression()
    {
        Single(Lines(Header, "const A = 1 << 64;"), "ISM0005", "1 << 64", 1, 10);
    }

    [Fact]
    public void ISM0005_shift_losing_set_bits_covers_the_shift_expression()
    {
        Single(Lines(Header, "const A = 3 << 63;"), "ISM0005", "3 << 63", 1, 10);
    }

    [Fact]
    public void ISM0005_sum_overflow_covers_the_sum()
    {
        Single(Lines(Header, "const A = 0xFFFF_FFFF_FFFF_FFFF + 1;"), "ISM0005", "0xFFFF_FFFF_FFFF_FFFF + 1", 1, 10);
    }

    [Fact]
    public void ISM0005_product_overflow_covers_the_product()
    {
        Single(Lines(Header, "const A = 0x1_0000_0000 * 0x1_0000_0000;"), "ISM0005", "0x1_0000_0000 * 0x1_0000_0000", 1, 10);
    }

    [Fact]
    public void ISM0005_negative_difference_covers_the_difference()
    {
        Single(Lines(Header, "const A = 1 - 2;"), "ISM0005", "1 - 2", 1, 10);
    }

    [Fact]
    public void ISM0005_enum_too_wide_for_its_bit_range_points_at_the_enum_name()
    {
        var d = Single(Lines(Header, "enum k : u8 { A = 4; }", "bitfield b : u8 { x : 0..1 as k; }"), "ISM0005", "k", 2, 30);
        Assert.Contains("2 bits", d.Message);
    }

    [Fact]
    public void ISM0005_struct_alignment_that_is_not_a_power_of_two_points_at_it()
    {
        Single(Lines(Header, "struct s align 3 { u8 a; }"), "ISM0005", "3", 1, 15);
    }

    [Fact]
    public void ISM0005_field_alignment_of_zero_points_at_it()
    {
        Single(Lines(Header, "struct s { u8 a align 0; }"), "ISM0005", "0", 1, 22);
    }

    [Fact]
    public void ISM0005_struct_larger_than_1_GiB_points_at_the_array_length()
    {
        var text = Lines(Header,
            "struct mb { u8 b[0x100000]; }",
            "struct gb { mb m[1024]; }",
            "struct big { u8 first; gb g; }");
        var d = Single(text, "ISM0005", "gb", 3, 23);
        Assert.Contains("limit", d.Message);
    }
}
