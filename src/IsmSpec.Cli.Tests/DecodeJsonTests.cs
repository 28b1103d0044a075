using System.Text.Json;

namespace IsmSpec.Cli.Tests;

public sealed class DecodeJsonTests(TestSpecFolder specs) : IClassFixture<TestSpecFolder>
{
    private JsonElement Decode(string type, string hex)
    {
        var r = specs.Run("decode", type, hex, "--json");
        r.AssertOk();
        return JsonDocument.Parse(r.Out).RootElement;
    }

    private static JsonElement Field(JsonElement fields, string name) =>
        fields.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

    [Fact]
    public void Top_level_has_name_spec_size_and_fields()
    {
        var root = Decode("packet", DecodeCommandTests.Packet);
        Assert.Equal(["name", "spec", "size", "fields"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("packet", root.GetProperty("name").GetString());
        Assert.Equal("demo@1", root.GetProperty("spec").GetString());
        Assert.Equal(48, root.GetProperty("size").GetInt32());
        Assert.Equal(["head", "le_val", "be_val", "col", "res", "access", "control", "id", "slots"],
            root.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }

    [Fact]
    public void Every_field_kind_has_its_value()
    {
        var fields = Decode("packet", DecodeCommandTests.Packet).GetProperty("fields");
        var leVal = Field(fields, "le_val");
        Assert.Equal(4, leVal.GetProperty("offset").GetInt32());
        Assert.Equal(0x11223344UL, leVal.GetProperty("value").GetUInt64());
        Assert.Equal(0x55667788UL, Field(fields, "be_val").GetProperty("value").GetUInt64());

        var col = Field(fields, "col");
        Assert.Equal(2, col.GetProperty("value").GetInt32());
        Assert.Equal("GREEN", col.GetProperty("symbol").GetString());

        var access = Field(fields, "access");
        Assert.Equal(0x103, access.GetProperty("value").GetInt32());
        Assert.Equal("READ|WRITE|0x100", access.GetProperty("symbol").GetString());

        Assert.Equal("00112233-4455-6677-8899-aabbccddeeff", Field(fields, "id").GetProperty("value").GetString());
        Assert.Equal([1, 512], Field(fields, "slots").GetProperty("value").EnumerateArray().Select(e => e.GetInt32()));

        var res = Field(fields, "res");
        Assert.True(res.GetProperty("reserved").GetBoolean());
        Assert.Equal([0, 0, 0], res.GetProperty("value").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void Bitfield_members_are_an_object()
    {
        var control = Field(Decode("packet", DecodeCommandTests.Packet).GetProperty("fields"), "control");
        Assert.Equal(0x05a3, control.GetProperty("value").GetInt32());
        var bits = control.GetProperty("bits");
        Assert.True(bits.GetProperty("ready").GetBoolean());
        Assert.Equal(1, bits.GetProperty("kind").GetInt32());
        Assert.Equal(0x5a, bits.GetProperty("count").GetInt32());
        Assert.Equal(0, bits.GetProperty("rsvd").GetInt32());
    }

    [Fact]
    public void Nested_struct_has_its_fields()
    {
        var head = Field(Decode("packet", DecodeCommandTests.Packet).GetProperty("fields"), "head");
        Assert.False(head.TryGetProperty("value", out _));
        var op = Field(head.GetProperty("fields"), "op");
        Assert.Equal(0x0102, op.GetProperty("value").GetInt32());
        Assert.True(Field(head.GetProperty("fields"), "pad").GetProperty("reserved").GetBoolean());
    }

    [Fact]
    public void Tail_is_a_list()
    {
        var root = Decode("event", "0200 00000001 000000ff");
        Assert.Equal(10, root.GetProperty("bytesUsed").GetInt32());
        var items = Field(root.GetProperty("fields"), "items");
        Assert.Equal([1, 255], items.GetProperty("value").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void Union_has_views_and_prefixed_largest_view_fields()
    {
        var root = Decode("cmd", "0007 0000 0000000000000009 00000000");
        Assert.Equal(["request.head", "request.arg"], root.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        var views = root.GetProperty("views").EnumerateArray().ToArray();
        Assert.Equal("response", views[1].GetProperty("name").GetString());
        Assert.Equal(6, views[1].GetProperty("size").GetInt32());
        Assert.Equal(0, Field(views[1].GetProperty("fields"), "ret").GetProperty("value").GetInt32());
        Assert.Equal(9, Field(views[0].GetProperty("fields"), "arg").GetProperty("value").GetInt32());
    }

    [Fact]
    public void Unknown_enum_symbol_is_spelled_out()
    {
        var hex = DecodeCommandTests.Packet.Replace("55667788 02", "55667788 07");
        Assert.Equal("unknown(7)", Field(Decode("packet", hex).GetProperty("fields"), "col").GetProperty("symbol").GetString());
    }

    [Fact]
    public void Input_errors_stay_one_line_with_json()
    {
        Assert.Equal("ismspec: packet needs 48 bytes, got 1", specs.Run("decode", "packet", "00", "--json").AssertUsageError());
    }
}
