using static IsmSpec.SpecLanguage.Tests.SpecTest;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>Constant expressions: 64-bit unsigned, precedence (| &lt; &amp; &lt; shifts &lt; + - &lt; *), names, parentheses.</summary>
public class ExpressionTests
{
    private static ulong Value(string expression, params string[] moreDeclarations)
    {
        var spec = Bind(moreDeclarations.Append($"const RESULT = {expression};").ToArray());
        return spec.Constants.Single(c => c.Name == "RESULT").Value;
    }

    [Theory]
    [InlineData("42", 42UL)]
    [InlineData("0x2A", 42UL)]
    [InlineData("0X2a", 42UL)]
    [InlineData("0b101010", 42UL)]
    [InlineData("0B10_1010", 42UL)]
    [InlineData("1_000_000", 1000000UL)]
    [InlineData("0x0000_FFFF", 0xFFFFUL)]
    [InlineData("0", 0UL)]
    public void Number_literals_in_every_radix(string literal, ulong expected) => Assert.Equal(expected, Value(literal));

    [Theory]
    [InlineData("1 + 2 * 3", 7UL)]
    [InlineData("(1 + 2) * 3", 9UL)]
    [InlineData("1 << 2 + 1", 8UL)]          // + binds tighter than <<
    [InlineData("(1 << 2) + 1", 5UL)]
    [InlineData("6 & 3 | 8", 10UL)]          // & binds tighter than |
    [InlineData("8 | 6 & 3", 10UL)]
    [InlineData("1 << 4 & 0x30", 0x10UL)]    // << binds tighter than &
    [InlineData("0x100 >> 4 >> 2", 4UL)]     // left-associative
    [InlineData("10 - 3 - 2", 5UL)]          // left-associative
    [InlineData("2 * 3 * 4", 24UL)]
    [InlineData("((((5))))", 5UL)]
    public void Operators_follow_the_documented_precedence_and_associativity(string expression, ulong expected) =>
        Assert.Equal(expected, Value(expression));

    [Theory]
    [InlineData("~0", ulong.MaxValue)]
    [InlineData("~0 >> 32", 0xFFFF_FFFFUL)]
    [InlineData("~~5", 5UL)]
    [InlineData("~(1 << 3) & 0xF", 7UL)]
    [InlineData("-0", 0UL)]
    [InlineData("1 >> 64", 0UL)]
    [InlineData("1 << 63", 0x8000_0000_0000_0000UL)]
    [InlineData("0xFFFF_FFFF_FFFF_FFFE + 1", ulong.MaxValue)]
    public void Unary_operators_and_64_bit_edges(string expression, ulong expected) => Assert.Equal(expected, Value(expression));

    [Fact]
    public void Constants_may_refer_to_constants_declared_later()
    {
        Assert.Equal(48UL, Value("BASE * 3", "const BASE = HALF * 2;", "const HALF = 8;"));
    }

    [Fact]
    public void Device_ids_and_feature_bits_are_constant_expressions_usable_in_others()
    {
        var spec = Bind("feature F_X = 1 + 2;", "device_id DEV = 40 + F_X;", "const MASK = 1 << F_X;");
        Assert.Equal(3, spec.Features.Single().Bit);
        Assert.Equal(8UL, spec.Features.Single().Mask);
        Assert.Equal(43UL, spec.DeviceIds.Single().Value);
        Assert.Equal(8UL, spec.Constants.Single().Value);
    }

    [Fact]
    public void Flags_members_take_mask_expressions()
    {
        var spec = Bind("flags perm : le64 { READ = 1 << 0; WRITE = 1 << 1; ALL = READ_WRITE; }", "const READ_WRITE = 3;");
        var flags = spec.Enums.Single();
        Assert.True(flags.IsFlags);
        Assert.Equal(new ulong[] { 1, 2, 3 }, flags.Members.Select(m => m.Value));
    }

    [Fact]
    public void Constant_expressions_size_arrays_place_offsets_and_set_attributes()
    {
        var spec = Bind(
            "const N = 4;",
            "const OFF = N * 2;",
            "const ALIGN = 1 << 4;",
            "struct s align ALIGN size (ALIGN * 1) { le16 a[N]; le32 b @OFF align (N); u8 c[N - 1] @ (OFF + 4); }");
        var s = spec.Struct("s");
        Assert.Equal(4, s.Field("a").ArrayLength);
        Assert.Equal(8, s.OffsetOf("b"));
        Assert.Equal(12, s.OffsetOf("c"));
        Assert.Equal(3, s.Field("c").ArrayLength);
        Assert.Equal(16, s.Align);
        Assert.Equal(16, s.Size);
        Assert.Equal(15, s.ContentSize);
    }

    [Fact]
    public void Expression_span_covers_operands_and_operators_but_not_outer_parentheses()
    {
        // The parenthesized group evaluates to 1 << 64 inside a larger sum: the error covers just the shift.
        Single(Lines(Header, "const A = 1 + (1 << 64);"), "ISM0005", "1 << 64", 1, 15);
    }

    [Fact]
    public void Expression_with_256_operands_is_accepted()
    {
        var sum = "1" + string.Concat(Enumerable.Repeat(" + 1", 255));
        Assert.Equal(256UL, Value(sum));
    }

    [Theory]
    [InlineData(100_000, "(", ")")]
    [InlineData(100_000, "~", "")]
    [InlineData(100_000, "1 + ", "")]
    public void Overlong_expressions_are_a_syntax_error_not_a_stack_overflow(int repeat, string prefix, string suffix)
    {
        var expression = string.Concat(Enumerable.Repeat(prefix, repeat)) + "1" + string.Concat(Enumerable.Repeat(suffix, repeat));
        var c = Compile(Lines(Header, $"const A = {expression};", "const B = 2;"));
        var d = Assert.Single(c.Diagnostics);
        Assert.Equal("ISM0001", d.Id);
        Assert.Contains("too long", d.Message);
        Assert.Equal(2UL, Assert.Single(c.Specs).Constants.Single().Value);
    }

    [Fact]
    public void Long_chain_of_constants_is_reported_not_a_stack_overflow()
    {
        var lines = Enumerable.Range(0, 2000).Select(i => $"const C{i} = C{i + 1} + 1;").Append("const C2000 = 0;").ToArray();
        var c = Compile(Lines(new[] { Header }.Concat(lines).ToArray()));
        Assert.NotEmpty(c.Diagnostics);
        Assert.All(c.Diagnostics, d => Assert.Equal("ISM0016", d.Id));
    }

    [Fact]
    public void Long_chain_of_nested_structs_is_reported_not_a_stack_overflow()
    {
        var lines = Enumerable.Range(0, 2000).Select(i => $"struct s{i} {{ s{i + 1} inner; }}").Append("struct s2000 { u8 x; }").ToArray();
        var c = Compile(Lines(new[] { Header }.Concat(lines).ToArray()));
        Assert.NotEmpty(c.Diagnostics);
        Assert.All(c.Diagnostics, d => Assert.Equal("ISM0002", d.Id));
    }
}
