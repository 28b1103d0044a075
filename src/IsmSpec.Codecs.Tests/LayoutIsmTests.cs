using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// s390 ISM command unions, views, SBA and IEQ: sizes and field offsets through the generated properties.
/// Facts: research/kernel-dibs-ism.md §4.4 (headers), §4.5 (per-command tables), §4.7 (SBA, IEQ), §4.9.
/// </summary>
public class LayoutIsmTests
{
    [Fact]
    public void Headers_are_8_bytes_with_cmd_at_0_res_or_ret_at_4_len_at_6()
    {
        Layout.Size<IsmReqHdr>(8);
        Layout.Field(0, 4, (ref IsmReqHdr v) => v.Cmd = uint.MaxValue);
        Layout.Field(4, 2, (ref IsmReqHdr v) => v.Res = ushort.MaxValue);
        Layout.Field(6, 2, (ref IsmReqHdr v) => v.Len = ushort.MaxValue);
        Layout.Size<IsmRespHdr>(8);
        Layout.Field(4, 2, (ref IsmRespHdr v) => v.Ret = ushort.MaxValue);
        Layout.Field(6, 2, (ref IsmRespHdr v) => v.Len = ushort.MaxValue);
    }

    [Fact]
    public void Every_command_union_has_the_kernel_block_size_and_view_sizes()
    {
        Layout.Size<IsmRegSba>(16); Layout.Size<IsmRegSbaRequest>(16); Layout.Size<IsmRegSbaResponse>(8);
        Layout.Size<IsmRegIeq>(32); Layout.Size<IsmRegIeqRequest>(24); Layout.Size<IsmRegIeqResponse>(8);
        Layout.Size<IsmReadGid>(16); Layout.Size<IsmReadGidRequest>(8); Layout.Size<IsmReadGidResponse>(16);
        Layout.Size<IsmQi>(256); Layout.Size<IsmQiRequest>(8); Layout.Size<IsmQiResponse>(200);
        Layout.Size<IsmQueryRgid>(32); Layout.Size<IsmQueryRgidRequest>(24); Layout.Size<IsmQueryRgidResponse>(8);
        Layout.Size<IsmRegDmb>(64); Layout.Size<IsmRegDmbRequest>(40); Layout.Size<IsmRegDmbResponse>(16);
        Layout.Size<IsmSigIeq>(32); Layout.Size<IsmSigIeqRequest>(32); Layout.Size<IsmSigIeqResponse>(8);
        Layout.Size<IsmUnregDmb>(16); Layout.Size<IsmUnregDmbRequest>(16); Layout.Size<IsmUnregDmbResponse>(8);
        Layout.Size<IsmSetVlanId>(16); Layout.Size<IsmSetVlanIdRequest>(16); Layout.Size<IsmSetVlanIdResponse>(8);
        Layout.Size<IsmCmdSimple>(8); Layout.Size<IsmCmdSimpleRequest>(8); Layout.Size<IsmCmdSimpleResponse>(8);
    }

    [Fact]
    public void Reg_dmb_request_has_rgid_at_32_and_response_dmb_tok_at_8_inside_the_64_byte_union()
    {
        Layout.Field(8, 8, (ref IsmRegDmbRequest v) => v.Dmb = ulong.MaxValue);
        Layout.Field(16, 4, (ref IsmRegDmbRequest v) => v.DmbLen = uint.MaxValue);
        Layout.Field(20, 4, (ref IsmRegDmbRequest v) => v.SbaIdx = uint.MaxValue);
        Layout.Field(24, 4, (ref IsmRegDmbRequest v) => v.VlanValid = uint.MaxValue);
        Layout.Field(28, 4, (ref IsmRegDmbRequest v) => v.VlanId = uint.MaxValue);
        Layout.Field(32, 8, (ref IsmRegDmbRequest v) => v.Rgid = ulong.MaxValue);
        Layout.Field(8, 8, (ref IsmRegDmbResponse v) => v.DmbTok = ulong.MaxValue);
        Layout.Field(32, 8, (ref IsmRegDmb v) => v.Request.Rgid = ulong.MaxValue);
        Layout.Field(8, 8, (ref IsmRegDmb v) => v.Response.DmbTok = ulong.MaxValue);
    }

    [Fact]
    public void Union_views_overlay_the_same_memory()
    {
        IsmRegDmb block = default;
        block.Request.Hdr.Cmd = 0xA;
        block.Request.Dmb = 0x0102030405060708;
        Assert.Equal(0xAu, block.Response.Hdr.Cmd);
        Assert.Equal(0x0102030405060708UL, block.Response.DmbTok);
    }

    [Fact]
    public void Other_request_views_place_their_fields_as_the_kernel_tables_say()
    {
        Layout.Field(8, 8, (ref IsmRegSbaRequest v) => v.Sba = ulong.MaxValue);
        Layout.Field(8, 8, (ref IsmRegIeqRequest v) => v.Ieq = ulong.MaxValue);
        Layout.Field(16, 8, (ref IsmRegIeqRequest v) => v.Len = ulong.MaxValue);
        Layout.Field(8, 8, (ref IsmReadGidResponse v) => v.Gid = ulong.MaxValue);
        Layout.Field(8, 8, (ref IsmQueryRgidRequest v) => v.Rgid = ulong.MaxValue);
        Layout.Field(16, 4, (ref IsmQueryRgidRequest v) => v.VlanValid = uint.MaxValue);
        Layout.Field(20, 4, (ref IsmQueryRgidRequest v) => v.VlanId = uint.MaxValue);
        Layout.Field(8, 8, (ref IsmSigIeqRequest v) => v.Rgid = ulong.MaxValue);
        Layout.Field(16, 4, (ref IsmSigIeqRequest v) => v.TriggerIrq = uint.MaxValue);
        Layout.Field(20, 4, (ref IsmSigIeqRequest v) => v.EventCode = uint.MaxValue);
        Layout.Field(24, 8, (ref IsmSigIeqRequest v) => v.Info = ulong.MaxValue);
        Layout.Field(8, 8, (ref IsmUnregDmbRequest v) => v.DmbTok = ulong.MaxValue);
        Layout.Field(8, 8, (ref IsmSetVlanIdRequest v) => v.VlanId = ulong.MaxValue);
    }

    [Fact]
    public void Query_info_response_is_200_bytes_with_the_vlan_id_array_at_72()
    {
        Layout.Field(8, 4, (ref IsmQiResponse v) => v.Version = uint.MaxValue);
        Layout.Field(12, 4, (ref IsmQiResponse v) => v.MaxLen = uint.MaxValue);
        Layout.Field(16, 8, (ref IsmQiResponse v) => v.IsmState = ulong.MaxValue);
        Layout.Field(24, 8, (ref IsmQiResponse v) => v.MyGid = ulong.MaxValue);
        Layout.Field(32, 8, (ref IsmQiResponse v) => v.Sba = ulong.MaxValue);
        Layout.Field(40, 8, (ref IsmQiResponse v) => v.Ieq = ulong.MaxValue);
        Layout.Field(48, 4, (ref IsmQiResponse v) => v.IeqLen = uint.MaxValue);
        Layout.Field(52, 4, (ref IsmQiResponse v) => v.Res = uint.MaxValue);
        Layout.Field(56, 4, (ref IsmQiResponse v) => v.DmbsOwned = uint.MaxValue);
        Layout.Field(60, 4, (ref IsmQiResponse v) => v.DmbsUsed = uint.MaxValue);
        Layout.Field(64, 4, (ref IsmQiResponse v) => v.VlanRequired = uint.MaxValue);
        Layout.Field(68, 4, (ref IsmQiResponse v) => v.VlanNrIds = uint.MaxValue);
        Layout.Field(72, 2, (ref IsmQiResponse v) => v.SetVlanId(0, ushort.MaxValue));
        Layout.Field(198, 2, (ref IsmQiResponse v) => v.SetVlanId(63, ushort.MaxValue));
        Layout.Field(72, 128, (ref IsmQiResponse v) => v.VlanIdBytes.Fill(0xFF));
        Assert.Equal(64, IsmQiResponse.VlanIdLength);
        Layout.Field(68, 4, (ref IsmQi v) => v.Response.VlanNrIds = uint.MaxValue);
    }

    [Fact]
    public void Vlan_id_accessors_reject_an_index_outside_the_array()
    {
        IsmQiResponse response = default;
        Assert.Throws<ArgumentOutOfRangeException>(() => response.GetVlanId(64));
        Assert.Throws<ArgumentOutOfRangeException>(() => { IsmQiResponse r = default; r.SetVlanId(-1, 1); });
    }

    [Fact]
    public void Sba_is_one_page_with_dmb_bits_at_4_reserved_at_244_and_masks_at_256()
    {
        Layout.Size<IsmSba>(4096);
        Layout.Size<IsmSbaStatus>(4);
        Layout.Field(0, 4, (ref IsmSba v) => v.Status.Value = uint.MaxValue);
        Layout.Field(4, 1, (ref IsmSba v) => v.DmbBits[0] = 0xFF);
        Layout.Field(243, 1, (ref IsmSba v) => v.DmbBits[239] = 0xFF);
        Layout.Field(4, 240, (ref IsmSba v) => v.DmbBits.Fill(0xFF));
        Layout.Field(244, 4, (ref IsmSba v) => v.SetRes(0, uint.MaxValue));
        Layout.Field(252, 4, (ref IsmSba v) => v.SetRes(2, uint.MaxValue));
        Layout.Field(256, 2, (ref IsmSba v) => v.SetDmbeMask(0, ushort.MaxValue));
        Layout.Field(256 + 2 * 32, 2, (ref IsmSba v) => v.SetDmbeMask(32, ushort.MaxValue));
        Layout.Field(4094, 2, (ref IsmSba v) => v.SetDmbeMask(1919, ushort.MaxValue));
        Layout.Field(256, 3840, (ref IsmSba v) => v.DmbeMaskBytes.Fill(0xFF));
    }

    [Fact]
    public void Ieq_is_512_bytes_a_32_byte_header_and_15_entries_of_32()
    {
        Layout.Size<IsmEq>(512);
        Layout.Size<IsmEqHeader>(32);
        Layout.Size<IsmEvent>(32);
        Assert.Equal(512, IsmEqHeader.Size + 15 * IsmEvent.Size);
        Layout.Field(0, 8, (ref IsmEq v) => v.Header.Idx = ulong.MaxValue);
        Layout.Field(8, 8, (ref IsmEq v) => v.Header.IeqLen = ulong.MaxValue);
        Layout.Field(16, 8, (ref IsmEq v) => v.Header.EntryLen = ulong.MaxValue);
        Layout.Field(24, 8, (ref IsmEq v) => v.Header.Res = ulong.MaxValue);
        for (int k = 0; k < 15; k++)
        {
            int entry = k;
            Layout.Field(32 + 32 * k, 4, (ref IsmEq v) => v.Entry[entry].Type = uint.MaxValue);
        }
        Layout.Field(36, 4, (ref IsmEq v) => v.Entry[0].Code = uint.MaxValue);
        Layout.Field(40, 8, (ref IsmEq v) => v.Entry[0].Tok = ulong.MaxValue);
        Layout.Field(48, 8, (ref IsmEq v) => v.Entry[0].Time = ulong.MaxValue);
        Layout.Field(504, 8, (ref IsmEq v) => v.Entry[14].Info = ulong.MaxValue);
    }

    [Fact]
    public void Move_data_address_word_is_one_be64()
    {
        Layout.Size<IsmDmbReq>(8);
        Layout.Field(0, 4, (ref IsmDmbReq v) => v.Token = uint.MaxValue);
        Layout.Field(4, 1, (ref IsmDmbReq v) => v.Idx = byte.MaxValue);
        Layout.Field(5, 3, (ref IsmDmbReq v) => v.Offset = 0x7FFFFF);
    }
}
