using IsmSpec.SpecLanguage.Model;
using static IsmSpec.SpecLanguage.Tests.ShippedSpecLayoutTests;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>s390 ISM command blocks, SBA, IEQ and the move_data address word (research/kernel-dibs-ism.md §4).</summary>
public class ShippedS390LayoutTests
{
    private static SpecModel Ism => Spec("s390-ism");

    [Fact]
    public void Request_and_response_headers_are_8_bytes()
    {
        AssertLayout(Ism.Struct("ism_req_hdr"), 8, ("cmd", 0), ("res", 4), ("len", 6));
        AssertLayout(Ism.Struct("ism_resp_hdr"), 8, ("cmd", 0), ("ret", 4), ("len", 6));
        Assert.True(Ism.Struct("ism_req_hdr").Field("res").IsReserved);
        Assert.All(Ism.Struct("ism_resp_hdr").Fields, f => Assert.Equal(ByteOrder.Big, f.ByteOrder));
    }

    [Theory]
    [InlineData("ism_reg_sba", 16, 16, 16, 8)]
    [InlineData("ism_reg_ieq", 32, 16, 24, 8)]
    [InlineData("ism_read_gid", 16, 16, 8, 16)]
    [InlineData("ism_qi", 256, 64, 8, 200)]
    [InlineData("ism_query_rgid", 32, 16, 24, 8)]
    [InlineData("ism_reg_dmb", 64, 32, 40, 16)]
    [InlineData("ism_sig_ieq", 32, 32, 32, 8)]
    [InlineData("ism_unreg_dmb", 16, 16, 16, 8)]
    [InlineData("ism_set_vlan_id", 16, 16, 16, 8)]
    [InlineData("ism_cmd_simple", 8, 8, 8, 8)]
    public void Command_union_size_alignment_and_view_sizes(string union, int size, int align, int request, int response)
    {
        var u = Ism.Union(union);
        Assert.Equal((size, align), (u.Size, u.Align));
        var req = u.FindView("request")!.Struct;
        var resp = u.FindView("response")!.Struct;
        Assert.Equal((request, response), (req.Size, resp.Size));
        Assert.Equal("ism_req_hdr", req.Fields[0].Type.Name);
        Assert.Equal("ism_resp_hdr", resp.Fields[0].Type.Name);
    }

    [Theory]
    [InlineData("ism_reg_sba", "sba@8", "")]
    [InlineData("ism_reg_ieq", "ieq@8 len@16", "")]
    [InlineData("ism_read_gid", "", "gid@8")]
    [InlineData("ism_qi", "", "version@8 max_len@12 ism_state@16 my_gid@24 sba@32 ieq@40 ieq_len@48 dmbs_owned@56 dmbs_used@60 vlan_required@64 vlan_nr_ids@68 vlan_id@72")]
    [InlineData("ism_query_rgid", "rgid@8 vlan_valid@16 vlan_id@20", "")]
    [InlineData("ism_reg_dmb", "dmb@8 dmb_len@16 sba_idx@20 vlan_valid@24 vlan_id@28 rgid@32", "dmb_tok@8")]
    [InlineData("ism_sig_ieq", "rgid@8 trigger_irq@16 event_code@20 info@24", "")]
    [InlineData("ism_unreg_dmb", "dmb_tok@8", "")]
    [InlineData("ism_set_vlan_id", "vlan_id@8", "")]
    public void Command_view_field_offsets(string union, string requestFields, string responseFields)
    {
        var u = Ism.Union(union);
        var req = u.FindView("request")!.Struct;
        var resp = u.FindView("response")!.Struct;
        AssertLayout(req, req.Size, Parse("hdr@0 " + requestFields));
        AssertLayout(resp, resp.Size, Parse("hdr@0 " + responseFields));
    }

    [Fact]
    public void Query_info_vlan_ids_are_64_big_endian_u16_at_72()
    {
        var vlan = Ism.Union("ism_qi").FindView("response")!.Struct.Field("vlan_id");
        Assert.Equal((72, 64, 2, ByteOrder.Big), (vlan.Offset, vlan.ArrayLength, vlan.ElementSize, vlan.ByteOrder));
    }

    [Fact]
    public void Command_set_maps_each_code_to_its_union()
    {
        var set = Assert.Single(Ism.CommandSets);
        Assert.Equal((Framing.IsmBlock, "SUCCESS", 0UL, "ISM_ERROR", 0xFFFFUL),
            (set.Framing, set.Ok.Name, set.Ok.Value, set.Error.Name, set.Error.Value));
        var expected = new (ulong Code, string Union)[]
        {
            (0x1, "ism_reg_sba"), (0x2, "ism_reg_ieq"), (0x3, "ism_read_gid"), (0x4, "ism_set_vlan_id"),
            (0x5, "ism_set_vlan_id"), (0x6, "ism_cmd_simple"), (0x7, "ism_cmd_simple"), (0x8, "ism_qi"),
            (0x9, "ism_query_rgid"), (0xA, "ism_reg_dmb"), (0xB, "ism_unreg_dmb"), (0xE, "ism_sig_ieq"),
            (0x11, "ism_cmd_simple"), (0x12, "ism_cmd_simple"),
        };
        Assert.Equal(expected, set.Commands.Select(c => (c.Code, c.Union!.Name)).OrderBy(c => c.Code));
        Assert.All(set.Commands, c => Assert.Null(c.Class));
    }

    [Fact]
    public void Status_block_area_is_a_4096_byte_page()
    {
        var sba = Ism.Struct("ism_sba");
        AssertLayout(sba, 4096, ("status", 0), ("dmb_bits", 4), ("dmbe_mask", 256));
        Assert.Equal(240, sba.Field("dmb_bits").Size);
        var mask = sba.Field("dmbe_mask");
        Assert.Equal((1920, 2, ByteOrder.Big), (mask.ArrayLength, mask.ElementSize, mask.ByteOrder));
        Assert.Equal(1920UL, Ism.Constants.Single(c => c.Name == "ISM_NR_DMBS").Value);
    }

    [Fact]
    public void Status_word_has_summary_bit_31_and_event_bit_30()
    {
        var status = Assert.IsType<BitfieldType>(Ism.Struct("ism_sba").Field("status").Type);
        Assert.Equal("be32", status.Underlying.Name);
        Assert.Equal(31, status.Members.Single(m => m.Name == "s").Low);
        Assert.Equal(30, status.Members.Single(m => m.Name == "e").Low);
    }

    [Fact]
    public void Interrupt_event_queue_is_512_bytes_with_entry_k_at_32_plus_32k()
    {
        var eq = Ism.Struct("ism_eq");
        Assert.Equal(512, eq.Size);
        Assert.Equal(32, eq.Field("header").Size);
        var entry = eq.Field("entry");
        Assert.Equal((15, 32), (entry.ArrayLength, entry.ElementSize));
        for (int k = 0; k < entry.ArrayLength; k++) Assert.Equal(32 + 32 * k, entry.Offset + k * entry.ElementSize);
        AssertLayout(Ism.Struct("ism_eq_header"), 32, ("idx", 0), ("ieq_len", 8), ("entry_len", 16));
    }

    [Fact]
    public void Ism_event_is_32_bytes()
    {
        AssertLayout(Ism.Struct("ism_event"), 32, ("type", 0), ("code", 4), ("tok", 8), ("time", 16), ("info", 24));
        Assert.Same(Ism.Struct("ism_event"), Ism.Struct("ism_eq").Field("entry").Type);
    }

    [Fact]
    public void Move_data_address_word_has_offset_sf_idx_and_token_ranges()
    {
        var req = Assert.IsType<BitfieldType>(Ism.FindType("ism_dmb_req"));
        Assert.Equal("be64", req.Underlying.Name);
        Assert.Equal(
            new[] { ("offset", 0, 22), ("sf", 23, 23), ("idx", 24, 31), ("token", 32, 63) },
            req.Members.Select(m => (m.Name, m.Low, m.High)));
        Assert.Equal(ulong.MaxValue, req.Members.Aggregate(0UL, (mask, m) => mask | m.Mask));
    }
}
