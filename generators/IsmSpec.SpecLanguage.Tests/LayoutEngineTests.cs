using IsmSpec.SpecLanguage.Model;
using static IsmSpec.SpecLanguage.Tests.SpecTest;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>The layout engine: packed sequential offsets, sizes, alignment, unions, tails, host order.</summary>
public class LayoutEngineTests
{
    [Fact]
    public void Primitive_sizes_and_byte_orders()
    {
        var s = Bind("struct p hostorder { u8 a; le16 b; le32 c; le64 d; be16 e; be32 f; be64 g; h16 h; h32 i; h64 j; uuid k; }").Struct("p");
        Assert.Equal(new[] { 1, 2, 4, 8, 2, 4, 8, 2, 4, 8, 16 }, s.Fields.Select(f => f.Size));
        Assert.Equal(new[] { 0, 1, 3, 7, 15, 17, 21, 29, 31, 35, 43 }, s.Fields.Select(f => f.Offset));
        Assert.Equal(59, s.Size);
        Assert.Equal(
            new[] { ByteOrder.None, ByteOrder.Little, ByteOrder.Little, ByteOrder.Little, ByteOrder.Big, ByteOrder.Big,
                    ByteOrder.Big, ByteOrder.Host, ByteOrder.Host, ByteOrder.Host, ByteOrder.None },
            s.Fields.Select(f => f.ByteOrder));
    }

    [Fact]
    public void Arrays_take_count_times_element_size_and_packing_leaves_no_padding()
    {
        var s = Bind("struct s { u8 a; le16 b[3]; le32 c; reserved u8 res[7]; }").Struct("s");
        Assert.Equal((1, 6, 3, 2), (s.OffsetOf("b"), s.Field("b").Size, s.Field("b").ArrayLength, s.Field("b").ElementSize));
        Assert.Equal(7, s.OffsetOf("c"));
        Assert.Equal(11, s.OffsetOf("res"));
        Assert.True(s.Field("res").IsReserved);
        Assert.Equal(18, s.Size);
        Assert.Equal(0, s.TailPadding);
    }

    [Fact]
    public void Nested_structs_and_arrays_of_structs()
    {
        var spec = Bind(
            "struct inner { le16 x; u8 y; }",
            "struct outer { u8 a; inner i[2]; le32 z; inner last; }");
        var outer = spec.Struct("outer");
        Assert.Equal(3, spec.Struct("inner").Size);
        Assert.Equal((1, 6), (outer.OffsetOf("i"), outer.Field("i").Size));
        Assert.Equal(7, outer.OffsetOf("z"));
        Assert.Equal(11, outer.OffsetOf("last"));
        Assert.Equal(14, outer.Size);
        Assert.Same(spec.Struct("inner"), outer.Field("last").Type);
    }

    [Fact]
    public void Enums_flags_and_bitfields_as_field_types_take_their_wire_type_size_and_order()
    {
        var spec = Bind(
            "enum kind : be16 { A = 1; }",
            "flags perm : le32 { R = 1; W = 2; }",
            "bitfield word : le64 { lo : 0..31; hi : 32..63; }",
            "bitfield tiny : u8 { f : 0; }",
            "struct s { kind k; perm p; word w; tiny t; kind ks[2]; }");
        var s = spec.Struct("s");
        Assert.Equal(new[] { 0, 2, 6, 14, 15 }, s.Fields.Select(f => f.Offset));
        Assert.Equal(19, s.Size);
        Assert.Equal(new[] { ByteOrder.Big, ByteOrder.Little, ByteOrder.Little, ByteOrder.None, ByteOrder.Big }, s.Fields.Select(f => f.ByteOrder));
        Assert.Equal(TypeKind.Flags, s.Field("p").Type.Kind);
        Assert.Equal(TypeKind.Bitfield, s.Field("w").Type.Kind);
    }

    [Fact]
    public void Bitfield_members_have_lsb0_ranges_masks_and_reserved_bits()
    {
        var spec = Bind(
            "enum mode : u8 { OFF = 0; ON = 1; AUTO = 2; }",
            "bitfield ctl : be32 { enable : 0; mode : 1..2 as mode; reserved rsvd : 3..30; top : 31; }");
        var b = spec.Bitfields.Single();
        Assert.Equal(4, b.Size);
        Assert.Equal(new[] { (0, 0, 1), (1, 2, 2), (3, 30, 28), (31, 31, 1) }, b.Members.Select(m => (m.Low, m.High, m.Width)));
        Assert.Equal(0x6UL, b.Members[1].Mask);
        Assert.Equal(0x8000_0000UL, b.Members[3].Mask);
        Assert.Equal(0x7FFF_FFF8UL, b.ReservedMask);
        Assert.Same(spec.Enums.Single(), b.Members[1].AsEnum);
    }

    [Fact]
    public void Full_width_bitfield_member_has_an_all_ones_mask()
    {
        var b = Bind("bitfield all : le64 { v : 0..63; }").Bitfields.Single();
        Assert.Equal(ulong.MaxValue, b.Members.Single().Mask);
    }

    [Fact]
    public void Struct_align_rounds_the_size_up_and_reports_tail_padding()
    {
        var spec = Bind("struct s align 8 { le32 a; u8 b; }", "struct t { s x; u8 y; }");
        var s = spec.Struct("s");
        Assert.Equal((5, 8, 3, 8), (s.ContentSize, s.Size, s.TailPadding, s.Align));
        Assert.Equal(8, spec.Struct("t").OffsetOf("y"));
        Assert.Equal(9, spec.Struct("t").Size);
    }

    [Fact]
    public void Struct_size_attribute_is_checked_against_the_aligned_size()
    {
        var spec = Bind("struct s align 16 size 16 { le64 a; }", "struct t size 8 { le64 a; }");
        Assert.Equal(16, spec.Struct("s").Size);
        Assert.Equal(8, spec.Struct("t").Size);
    }

    [Fact]
    public void Union_size_is_the_largest_view_rounded_up_to_its_alignment()
    {
        var spec = Bind(
            "struct named { le64 a; le64 b; le32 c; }",
            "union u align 16 { view small { u8 x; } view big { le64 y; le32 z; } view ref = named; }",
            "union plain { view a { le16 p; } view b { u8 q[3]; } }");
        var u = spec.Union("u");
        Assert.Equal((20, 32, 16), (u.ContentSize, u.Size, u.Align));
        Assert.Equal(new[] { "small", "big", "ref" }, u.Views.Select(v => v.Name));
        Assert.Same(spec.Struct("named"), u.FindView("ref")!.Struct);
        Assert.Equal(3, spec.Union("plain").Size);
    }

    [Fact]
    public void Inline_union_views_become_structs_named_union_underscore_view()
    {
        var spec = Bind("union cmd align 8 { view request { be32 op; be32 arg @4; } view response { be16 rc; } }");
        var request = spec.Struct("cmd_request");
        Assert.Equal((8, 4), (request.Size, request.OffsetOf("arg")));
        Assert.Same(spec.Union("cmd"), request.Union);
        Assert.Equal("request", request.ViewName);
        Assert.Equal("CmdResponse", spec.Struct("cmd_response").CSharpName);
        Assert.Equal(8, spec.Union("cmd").Size);
    }

    [Fact]
    public void Hostorder_union_lets_its_inline_views_use_host_order_types()
    {
        var view = Bind("union u hostorder { view v { h32 a; h16 b; } }").Struct("u_v");
        Assert.True(view.HostOrder);
        Assert.Equal(6, view.Size);
    }

    [Fact]
    public void Tail_is_excluded_from_the_fixed_size_and_counted_by_an_earlier_integer_field()
    {
        var s = Bind("struct ev { le64 num; le64 offset[num] @8; }").Struct("ev");
        Assert.Equal(8, s.Size);
        var tail = Assert.IsType<FieldSymbol>(s.Tail);
        Assert.Equal("offset", tail.Name);
        Assert.True(tail.IsTail);
        Assert.False(tail.IsArray);
        Assert.Equal((8, 0, 8), (tail.Offset, tail.Size, tail.ElementSize));
        Assert.Same(s.Field("num"), tail.CountField);
    }

    [Fact]
    public void Tail_may_be_counted_by_an_enum_field_and_a_constant_length_is_a_fixed_array()
    {
        var spec = Bind("enum n : u8 { ONE = 1; }", "const LEN = 3;", "struct s { n count; be16 fixed[LEN]; u8 data[count]; }");
        var s = spec.Struct("s");
        Assert.Equal(7, s.Size);
        Assert.Equal(3, s.Field("fixed").ArrayLength);
        Assert.Null(s.Field("fixed").CountField);
        Assert.Equal("count", s.Tail!.CountField!.Name);
    }

    [Fact]
    public void Hostorder_structs_accept_host_types_and_nest_in_each_other()
    {
        var spec = Bind(
            "enum t : h32 { A = 1; }",
            "struct inner hostorder { h16 a; t kind; }",
            "struct outer hostorder size 16 { inner i; hostonly h64 ptr @6; reserved u8 pad[2]; }");
        var outer = spec.Struct("outer");
        Assert.True(outer.HostOrder);
        Assert.True(outer.Field("ptr").IsHostOnly);
        Assert.Equal(ByteOrder.Host, outer.Field("ptr").ByteOrder);
        Assert.Equal(6, outer.Field("ptr").DeclaredOffset);
        Assert.Equal(16, outer.Size);
    }

    [Fact]
    public void Declared_offsets_and_field_alignment_are_recorded()
    {
        var s = Bind("struct s { le32 a @0; le32 b; le64 c @8 align 8; }").Struct("s");
        Assert.Equal(new int?[] { 0, null, 8 }, s.Fields.Select(f => f.DeclaredOffset));
        Assert.Equal(new int?[] { null, null, 8 }, s.Fields.Select(f => f.Align));
    }

    [Fact]
    public void Inline_command_payloads_are_structs_named_after_the_set_and_command()
    {
        var spec = Bind(
            "enum status : u8 { OK = 0; ERR = 1; }",
            "struct named_reply { le64 token; le64 offset; }",
            "commandset ctrl framing virtio_ctrl {",
            "  ack status ok OK error ERR;",
            "  command alloc (class 0, code 0) { request { le64 size; } reply named_reply; }",
            "  command ping (class 9, code 3) { }",
            "}");
        var set = Assert.Single(spec.CommandSets);
        Assert.Equal((Framing.VirtioCtrl, "OK", "ERR"), (set.Framing, set.Ok.Name, set.Error.Name));
        var alloc = set.Commands[0];
        Assert.Equal(((int?)0, 0UL), (alloc.Class, alloc.Code));
        Assert.Same(spec.Struct("ctrl_alloc_request"), alloc.Request);
        Assert.True(alloc.Request!.IsInline);
        Assert.Equal(8, alloc.Request.Size);
        Assert.Same(spec.Struct("named_reply"), alloc.Reply);
        var ping = set.Commands[1];
        Assert.Equal(((int?)9, 3UL), (ping.Class, ping.Code));
        Assert.Null(ping.Request);
        Assert.Null(ping.Reply);
    }

    [Fact]
    public void Ism_block_command_takes_the_request_and_response_views_of_its_union()
    {
        var spec = Bind(
            "enum rc : be16 { OK = 0; ERR = 0xFFFF; }",
            "struct rq { be32 cmd; be16 res; be16 len; }",
            "struct rs { be32 cmd; be16 ret; be16 len; }",
            "union blk align 16 { view request { rq hdr; be64 arg; } view response { rs hdr; } }",
            "commandset ism framing ism_block { ack rc ok OK error ERR; command go (code 0x11) union blk; }");
        var go = Assert.Single(Assert.Single(spec.CommandSets).Commands);
        Assert.Equal((17UL, (int?)null), (go.Code, go.Class));
        Assert.Same(spec.Union("blk"), go.Union);
        Assert.Equal((16, 8), (go.Request!.Size, go.Reply!.Size));
    }
}
