using System.Text.Json;

namespace IsmSpec.Cli.Tests;

public sealed class LayoutJsonTests(TestSpecFolder specs) : IClassFixture<TestSpecFolder>
{
    private JsonElement Layout(string type)
    {
        var r = specs.Run("layout", type, "--json");
        r.AssertOk();
        return JsonDocument.Parse(r.Out).RootElement;
    }

    private static JsonElement Field(JsonElement fields, string name) =>
        fields.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

    private static string[] Names(JsonElement obj) => obj.EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void Struct_has_name_spec_size_and_fields()
    {
        var root = Layout("packet");
        Assert.Equal(["name", "spec", "size", "fields"], Names(root));
        Assert.Equal("packet", root.GetProperty("name").GetString());
        Assert.Equal("demo@1", root.GetProperty("spec").GetString());
        Assert.Equal(48, root.GetProperty("size").GetInt32());
        Assert.Equal(9, root.GetProperty("fields").GetArrayLength());
    }

    [Fact]
    public void Scalar_fields_have_exactly_the_five_members()
    {
        var fields = Layout("packet").GetProperty("fields");
        var beVal = Field(fields, "be_val");
        Assert.Equal(["name", "offset", "size", "type", "endian"], Names(beVal));
        Assert.Equal(8, beVal.GetProperty("offset").GetInt32());
        Assert.Equal(4, beVal.GetProperty("size").GetInt32());
        Assert.Equal("be32", beVal.GetProperty("type").GetString());
        Assert.Equal("be", beVal.GetProperty("endian").GetString());
        Assert.Equal("le", Field(fields, "le_val").GetProperty("endian").GetString());
        Assert.Equal("none", Field(fields, "col").GetProperty("endian").GetString());
        Assert.Equal("none", Field(fields, "head").GetProperty("endian").GetString());
        Assert.Equal("hdr", Field(fields, "head").GetProperty("type").GetString());
        Assert.Equal("uuid", Field(fields, "id").GetProperty("type").GetString());
        Assert.Equal("le", Field(fields, "access").GetProperty("endian").GetString());
    }

    [Fact]
    public void Arrays_reserved_and_bitfields_add_their_members()
    {
        var fields = Layout("packet").GetProperty("fields");
        var slots = Field(fields, "slots");
        Assert.Equal(2, slots.GetProperty("count").GetInt32());
        Assert.Equal(4, slots.GetProperty("size").GetInt32());
        Assert.Equal("le16", slots.GetProperty("type").GetString());
        var res = Field(fields, "res");
        Assert.True(res.GetProperty("reserved").GetBoolean());
        Assert.Equal(3, res.GetProperty("count").GetInt32());
        Assert.False(Field(fields, "le_val").TryGetProperty("reserved", out _));

        var bits = Field(fields, "control").GetProperty("bits").EnumerateArray().ToArray();
        Assert.Equal(["ready", "kind", "count", "rsvd"], bits.Select(b => b.GetProperty("name").GetString()));
        Assert.Equal([0, 1, 4, 12], bits.Select(b => b.GetProperty("lo").GetInt32()));
        Assert.Equal([0, 3, 11, 15], bits.Select(b => b.GetProperty("hi").GetInt32()));
    }

    [Fact]
    public void Tail_has_tail_flag_and_count_field()
    {
        var items = Field(Layout("event").GetProperty("fields"), "items");
        Assert.True(items.GetProperty("tail").GetBoolean());
        Assert.Equal("num", items.GetProperty("countField").GetString());
        Assert.Equal(2, items.GetProperty("offset").GetInt32());
        Assert.Equal("be", items.GetProperty("endian").GetString());
    }

    [Fact]
    public void Hostonly_and_host_order_are_reported()
    {
        var fields = Layout("host_rec").GetProperty("fields");
        Assert.Equal("host", Field(fields, "handle").GetProperty("endian").GetString());
        Assert.True(Field(fields, "addr").GetProperty("hostonly").GetBoolean());
    }

    [Fact]
    public void Union_has_views_and_the_largest_views_fields_prefixed()
    {
        var root = Layout("cmd");
        Assert.Equal(16, root.GetProperty("size").GetInt32());
        var fields = root.GetProperty("fields");
        Assert.Equal(["request.head", "request.arg"], fields.EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        var views = root.GetProperty("views").EnumerateArray().ToArray();
        Assert.Equal(["request", "response"], views.Select(v => v.GetProperty("name").GetString()));
        Assert.Equal([12, 6], views.Select(v => v.GetProperty("size").GetInt32()));
        var ret = Field(views[1].GetProperty("fields"), "ret");
        Assert.Equal(4, ret.GetProperty("offset").GetInt32());
        Assert.Equal("be16", ret.GetProperty("type").GetString());
    }
}
