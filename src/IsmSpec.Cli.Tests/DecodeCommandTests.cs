namespace IsmSpec.Cli.Tests;

public sealed class DecodeCommandTests(TestSpecFolder specs) : IClassFixture<TestSpecFolder>
{
    /// <summary>A packet: op 0x0102, le_val 0x11223344, be_val 0x55667788, col GREEN, access READ|WRITE|0x100,
    /// control ready=1 kind=RED count=0x5a, a uuid, slots 1 and 0x200, then 6 bytes of padding (48 in all).</summary>
    public const string Packet = "0102 0000 44332211 55667788 02 000000 03010000 05a3 00112233445566778899aabbccddeeff 0100 0002 000000000000";

    private string[] Decode(params string[] args)
    {
        var r = specs.Run(["decode", .. args]);
        r.AssertOk();
        return r.OutLines;
    }

    private static string Line(string[] lines, string name) =>
        lines.Single(l => l.TrimStart(' ', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9').StartsWith(name + " "));

    [Fact]
    public void Header_names_type_spec_size_and_byte_orders()
    {
        var lines = Decode("packet", Packet);
        Assert.Equal("packet (demo@1): 48 bytes", lines[0]);
        Assert.Equal("byte order: le, be", lines[1]);
    }

    [Fact]
    public void Integers_are_decimal_and_hex_in_their_byte_order()
    {
        var lines = Decode("packet", Packet);
        Assert.EndsWith("= 287454020 (0x11223344)", Line(lines, "le_val"));
        Assert.EndsWith("= 1432778632 (0x55667788)", Line(lines, "be_val"));
        Assert.StartsWith("    4  le_val", Line(lines, "le_val"));
    }

    [Fact]
    public void Nested_structs_are_indented()
    {
        var lines = Decode("packet", Packet);
        Assert.Equal("    0  head     (hdr)", Line(lines, "head"));
        Assert.Equal("    0    op  = 258 (0x102)", Line(lines, "op"));
        Assert.Equal("    2    pad = 0 (0x0)  (reserved)", Line(lines, "pad"));
    }

    [Fact]
    public void Enums_flags_uuids_and_byte_arrays_are_symbolic()
    {
        var lines = Decode("packet", Packet);
        Assert.EndsWith("col     = GREEN (2)", Line(lines, "col"));
        Assert.EndsWith("access  = READ|WRITE|0x100 (0x103)", Line(lines, "access"));
        Assert.EndsWith("id      = 00112233-4455-6677-8899-aabbccddeeff", Line(lines, "id"));
        Assert.EndsWith("res     = 00 00 00  (reserved)", Line(lines, "res"));
    }

    [Fact]
    public void Bitfield_members_are_listed_under_the_field()
    {
        var lines = Decode("packet", Packet);
        Assert.EndsWith("control = 0x05a3", Line(lines, "control"));
        Assert.EndsWith("ready = true  [0]", Line(lines, "ready"));
        Assert.EndsWith("kind  = RED  [1..3]", Line(lines, "kind"));
        Assert.EndsWith("count = 90 (0x5a)  [4..11]", Line(lines, "count"));
        Assert.EndsWith("rsvd  = 0 (0x0)  [12..15]  (reserved)", Line(lines, "rsvd"));
    }

    [Fact]
    public void Array_elements_are_listed()
    {
        var lines = Decode("packet", Packet);
        Assert.EndsWith("slots    (le16[2])", Line(lines, "slots"));
        Assert.Contains("   38    [0] = 1 (0x1)", lines);
        Assert.Contains("   40    [1] = 512 (0x200)", lines);
    }

    [Fact]
    public void Unknown_enum_values_and_non_zero_reserved_fields_are_flagged()
    {
        var hex = Packet.Replace("55667788 02 000000 03010000 05a3", "55667788 07 000100 00000000 f000");
        var lines = Decode("packet", hex);
        Assert.EndsWith("col     = unknown(7)", Line(lines, "col"));
        Assert.EndsWith("res     = 00 01 00  <- reserved, not zero", Line(lines, "res"));
        Assert.EndsWith("access  = 0 (0x0)", Line(lines, "access"));
        Assert.EndsWith("control = 0xf000  <- reserved bits not zero", Line(lines, "control"));
        Assert.EndsWith("rsvd  = 15 (0xf)  [12..15]  <- reserved, not zero", Line(lines, "rsvd"));
        Assert.EndsWith("kind  = unknown(0)  [1..3]", Line(lines, "kind"));
    }

    [Theory]
    [InlineData("0x" + "0102000044332211556677880200000003010000")]
    [InlineData("01:02:00:00:44:33:22:11:55:66:77:88:02:00:00:00:03:01:00:00")]
    [InlineData("0102_0000_4433_2211_5566_7788_0200_0000_0301_0000")]
    [InlineData("0X0102000044332211556677880200000003010000")]
    [InlineData("0102000044332211556677880200000003010000")]
    public void Hex_accepts_prefix_separators_and_case(string firstBytes)
    {
        var lines = Decode("packet", firstBytes, "05A300112233445566778899AABBCCDDEEFF0100 0002 000000000000");
        Assert.EndsWith("= 287454020 (0x11223344)", Line(lines, "le_val"));
        Assert.EndsWith("id      = 00112233-4455-6677-8899-aabbccddeeff", Line(lines, "id"));
    }

    [Fact]
    public void Host_order_is_read_as_this_machines_order_and_said_so()
    {
        var lines = Decode("host_rec", "01000000 0200000000000000");
        Assert.Equal("byte order: host", lines[1]);
        Assert.Equal($"note: host order is read as {(BitConverter.IsLittleEndian ? "little" : "big")}-endian (this machine's order)", lines[2]);
        Assert.EndsWith(BitConverter.IsLittleEndian ? "= 1 (0x1)" : "= 16777216 (0x1000000)", Line(lines, "handle"));
        Assert.EndsWith("(hostonly)", Line(lines, "addr"));
    }

    [Fact]
    public void Tail_is_decoded_with_its_count_field()
    {
        var lines = Decode("event", "0200 00000001 000000ff");
        Assert.Equal("event (demo@1): 2 bytes + 8 tail bytes", lines[0]);
        Assert.Contains("    2    [0] = 1 (0x1)", lines);
        Assert.Contains("    6    [1] = 255 (0xff)", lines);
    }

    [Fact]
    public void Tail_shorter_than_its_count_is_an_input_error()
    {
        var line = specs.Run("decode", "event", "0300 00000001 000000ff").AssertUsageError();
        Assert.Equal("ismspec: event needs 14 bytes (num = 3 elements of items), got 10", line);
    }

    [Fact]
    public void Union_decodes_every_view()
    {
        var lines = Decode("cmd", "0007 0000 0000000000000009 00000000");
        Assert.Contains("view request (12 bytes):", lines);
        Assert.Contains("view response (6 bytes):", lines);
        Assert.EndsWith("arg  = 9 (0x9)", Line(lines, "arg"));
        Assert.EndsWith("ret  = 0 (0x0)", Line(lines, "ret"));
    }

    [Fact]
    public void Extra_bytes_are_decoded_with_a_warning()
    {
        var r = specs.Run("decode", "hdr", "00010000 ffff");
        Assert.Equal(0, r.Exit);
        Assert.Contains("op  = 1 (0x1)", r.Out);
        Assert.Equal("ismspec: warning: 2 extra bytes after hdr (4 bytes) were not decoded", r.Err.TrimEnd());
    }

    [Fact]
    public void Too_short_input_is_an_input_error()
    {
        var line = specs.Run("decode", "packet", Packet[..^2]).AssertUsageError();
        Assert.Equal("ismspec: packet needs 48 bytes, got 47", line);
    }

    [Fact]
    public void Odd_digit_count_is_an_input_error()
    {
        Assert.Equal("ismspec: odd number of hex digits (7); every byte needs two", specs.Run("decode", "hdr", "0001000").AssertUsageError());
    }

    [Theory]
    [InlineData("00zz0000", "'z'")]
    [InlineData("0001-0000", "'-'")]
    [InlineData("0x0g", "'g'")]
    public void Non_hex_characters_are_an_input_error(string hex, string bad)
    {
        Assert.StartsWith($"ismspec: {bad} is not a hex digit", specs.Run("decode", "hdr", hex).AssertUsageError());
    }

    [Fact]
    public void Empty_hex_is_an_input_error()
    {
        Assert.Equal("ismspec: no hex bytes given", specs.Run("decode", "hdr", "0x").AssertUsageError());
    }

    [Fact]
    public void Unknown_and_ambiguous_types_are_usage_errors()
    {
        Assert.Equal("ismspec: unknown type 'nosuch'", specs.Run("decode", "nosuch", "00").AssertUsageError());
        Assert.Equal("ismspec: 'config' is ambiguous: demo@1:config, demo@2:config, other@1:config",
            specs.Run("decode", "config", "00").AssertUsageError());
    }

    [Fact]
    public void Standalone_enums_flags_and_bitfields_decode_too()
    {
        Assert.EndsWith("= RED (1)", Decode("color", "01")[^1]);
        Assert.EndsWith("= READ (0x1)", Decode("perm", "01000000")[^1]);
        Assert.Contains(Decode("ctl", "0001"), l => l.Contains("ready = true"));
    }
}
