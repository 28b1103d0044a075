using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// Big-endian s390 ISM byte images written out by hand from research/kernel-dibs-ism.md §4: encoding gives
/// exactly these bytes and decoding gives back the values.
/// </summary>
public class GoldenIsmVectorTests
{
    // §4.4 + §4.5 union ism_reg_dmb: hdr {cmd 0xA, res, len 40}, dmb @8, dmb_len @16, sba_idx @20,
    // vlan_valid @24, vlan_id @28, rgid @32 — all big-endian (§4.1).
    private static readonly byte[] RegDmbRequestImage = Bytes.Hex("""
        00 00 00 0A  00 00  00 28
        00 00 00 01 23 45 60 00
        00 10 00 00
        00 00 00 20
        00 00 00 01
        00 00 00 64
        11 22 33 44 55 66 77 88
        """);

    [Fact]
    public void Reg_dmb_builder_writes_header_and_big_endian_fields()
    {
        var request = new IsmRegDmbRequest { Dmb = 0x123456000, DmbLen = 0x100000, SbaIdx = 32, VlanValid = 1, VlanId = 100, Rgid = 0x1122334455667788 };
        var block = new byte[IsmRegDmb.Size];
        block.AsSpan().Fill(0xCC);
        Assert.True(IsmCommands.TryWriteRegDmb(block, request, out int written));
        Assert.Equal(40, written);
        Assert.Equal(RegDmbRequestImage, block[..40]);
        Assert.All(block[40..], b => Assert.Equal(0xCC, b));

        Assert.True(IsmRegDmbRequest.TryRead(RegDmbRequestImage, out var decoded));
        Assert.Equal((0xAu, (ushort)0, (ushort)40), (decoded.Hdr.Cmd, decoded.Hdr.Res, decoded.Hdr.Len));
        Assert.Equal((0x123456000UL, 0x100000u, 32u, 1u, 100u, 0x1122334455667788UL),
            (decoded.Dmb, decoded.DmbLen, decoded.SbaIdx, decoded.VlanValid, decoded.VlanId, decoded.Rgid));
        Assert.False(IsmCommands.TryWriteRegDmb(new byte[39], request, out _));
    }

    // §4.5 union ism_qi response (200 bytes): hdr, version, max_len, ism_state, my_gid, sba, ieq, ieq_len,
    // reserved, dmbs_owned, dmbs_used, vlan_required, vlan_nr_ids, vlan_id[64] @72.
    private static readonly byte[] QueryInfoResponseImage = Bytes.Hex("""
        00 00 00 08  00 00  00 C8
        00 00 00 01  00 00 01 00
        00 00 00 00 00 00 00 02
        11 22 33 44 55 66 77 88
        00 00 00 00 7F 00 10 00
        00 00 00 00 7F 00 20 00
        00 00 02 00  00 00 00 00
        00 00 00 03  00 00 00 02
        00 00 00 01  00 00 00 02
        00 64  1F FF
        """).Concat(new byte[124]).ToArray();

    [Fact]
    public void Query_info_response_decodes_from_hand_written_bytes()
    {
        Assert.Equal(200, QueryInfoResponseImage.Length);
        Assert.True(IsmCommands.TryReadQueryInfoResponse(QueryInfoResponseImage, out var code, out var info));
        Assert.Equal(IsmRet.Success, code);
        Assert.Equal((8u, (ushort)0, (ushort)200), (info.Hdr.Cmd, info.Hdr.Ret, info.Hdr.Len));
        Assert.Equal((1u, 256u, 2UL, 0x1122334455667788UL), (info.Version, info.MaxLen, info.IsmState, info.MyGid));
        Assert.Equal((0x7F001000UL, 0x7F002000UL, 512u), (info.Sba, info.Ieq, info.IeqLen));
        Assert.Equal((3u, 2u, 1u, 2u), (info.DmbsOwned, info.DmbsUsed, info.VlanRequired, info.VlanNrIds));
        Assert.Equal((ushort)100, info.GetVlanId(0));
        Assert.Equal((ushort)0x1FFF, info.GetVlanId(1));
        Assert.Equal((ushort)0, info.GetVlanId(63));
        Assert.True(info.Validate(out _));

        IsmQiResponse built = default;
        built.Hdr.Cmd = 8; built.Hdr.Len = 200;
        built.Version = 1; built.MaxLen = 256; built.IsmState = 2; built.MyGid = 0x1122334455667788;
        built.Sba = 0x7F001000; built.Ieq = 0x7F002000; built.IeqLen = 512;
        built.DmbsOwned = 3; built.DmbsUsed = 2; built.VlanRequired = 1; built.VlanNrIds = 2;
        built.SetVlanId(0, 100); built.SetVlanId(1, 0x1FFF);
        Assert.Equal(QueryInfoResponseImage, Bytes.Of(built));
    }

    // §4.2 step 4-5: a non-zero ret ends the read after the 8-byte header.
    [Fact]
    public void A_failed_response_is_read_as_its_code_alone()
    {
        Assert.True(IsmCommands.TryReadQueryInfoResponse(Bytes.Hex("00 00 00 08 FF FF 00 08"), out var code, out var info));
        Assert.Equal(IsmRet.IsmError, code);
        Assert.Equal(default, info);
        Assert.False(IsmCommands.TryReadQueryInfoResponse(Bytes.Hex("00 00 00 08 00 00 00"), out _, out _));
        Assert.False(IsmCommands.TryReadQueryInfoResponse(Bytes.Hex("00 00 00 08 00 00 00 C8"), out _, out _));
    }

    // §4.9: dmb_req = dmb_tok | idx << 24 | sf << 23 | offset, stored as a big-endian u64.
    // token 0x1234567800000000, idx 0x5A, sf 1, offset 0x123456 -> 0x123456785A923456.
    private static readonly byte[] MoveDataWordImage = Bytes.Hex("12 34 56 78 5A 92 34 56");

    [Fact]
    public void Move_data_address_word_packs_token_idx_sf_and_offset()
    {
        IsmDmbReq word = default;
        word.Token = 0x12345678;
        word.Idx = 0x5A;
        word.Sf = true;
        word.Offset = 0x123456;
        Assert.Equal(MoveDataWordImage, Bytes.Of(word));
        Assert.Equal(0x1234567800000000UL | (0x5AUL << 24) | (1UL << 23) | 0x123456UL, word.Value);
        Assert.Equal(word, IsmDmbReq.FromValue(0x123456785A923456));

        Assert.True(IsmDmbReq.TryRead(MoveDataWordImage, out var decoded));
        Assert.Equal((0x12345678u, (byte)0x5A, true, 0x123456u), (decoded.Token, decoded.Idx, decoded.Sf, decoded.Offset));
    }

    // §4.7 ism_sba: s = bit 31 (byte 0 mask 0x80), e = bit 30 (0x40); DMB i at byte 4 + i/8, mask 0x80 >> (i mod 8);
    // dmbe_mask[i] at 256 + 2i, big-endian.
    private static byte[] SbaImage()
    {
        var image = new byte[4096];
        image[0] = 0xC0;                        // s and e
        image[4 + 32 / 8] = 0x80;               // DMB 32, the first usable index
        image[4 + 1919 / 8] = 0x01;             // DMB 1919, the last one
        image[256 + 2 * 32] = 0x10;             // dmbe_mask[32] = 0x1000
        image[256 + 2 * 1919 + 1] = 0x01;       // dmbe_mask[1919] = 0x0001
        return image;
    }

    [Fact]
    public void Sba_bits_and_masks_land_where_the_kernel_reads_them()
    {
        var expected = SbaImage();
        IsmSba sba = default;
        sba.Status.S = true;
        sba.Status.E = true;
        foreach (int dmb in new[] { 32, 1919 }) sba.DmbBits[dmb / 8] |= (byte)(0x80 >> (dmb % 8));
        sba.SetDmbeMask(32, 0x1000);
        sba.SetDmbeMask(1919, 0x0001);
        Assert.Equal(expected, Bytes.Of(sba));

        Assert.True(IsmSba.TryRead(expected, out var decoded));
        Assert.True(decoded.Status.S && decoded.Status.E);
        Assert.Equal(0xC0000000u, decoded.Status.Value);
        Assert.Equal(0x80, decoded.DmbBits[4]);
        Assert.Equal(0x01, decoded.DmbBits[239]);
        Assert.Equal((ushort)0x1000, decoded.GetDmbeMask(32));
        Assert.Equal((ushort)0x0001, decoded.GetDmbeMask(1919));
        Assert.True(decoded.Validate(out _));
    }

    // §4.7 ism_eq: header {idx, ieq_len, entry_len, reserved}, entry k at 32 + 32k {type, code, tok, time, info}.
    private static readonly byte[] IeqImage = Bytes.Hex("""
        00 00 00 00 00 00 00 02  00 00 00 00 00 00 02 00  00 00 00 00 00 00 00 20  00 00 00 00 00 00 00 00
        00 00 00 00  00 00 00 04  11 22 33 44 55 66 77 88  00 00 00 00 00 00 00 05  00 00 00 00 00 00 00 00
        00 00 00 02  00 00 00 83  AA BB CC DD 00 11 22 33  00 00 00 00 00 00 00 06  01 02 03 04 05 06 07 08
        """).Concat(new byte[512 - 96]).ToArray();

    [Fact]
    public void Ieq_header_and_entries_encode_and_decode_big_endian()
    {
        IsmEq eq = default;
        eq.Header.Idx = 2; eq.Header.IeqLen = 512; eq.Header.EntryLen = 32;
        eq.Entry[0].Type = (uint)IsmEventType.Buf; eq.Entry[0].Code = (uint)IsmEventCode.BufDmbUnregistered;
        eq.Entry[0].Tok = 0x1122334455667788; eq.Entry[0].Time = 5;
        eq.Entry[1].Type = (uint)IsmEventType.Swr; eq.Entry[1].Code = 0x83;
        eq.Entry[1].Tok = 0xAABBCCDD00112233; eq.Entry[1].Time = 6; eq.Entry[1].Info = 0x0102030405060708;
        Assert.Equal(IeqImage, Bytes.Of(eq));

        Assert.True(IsmEq.TryRead(IeqImage, out var decoded));
        Assert.Equal((2UL, 512UL, 32UL), (decoded.Header.Idx, decoded.Header.IeqLen, decoded.Header.EntryLen));
        Assert.Equal((2u, 0x83u, 0xAABBCCDD00112233UL, 6UL, 0x0102030405060708UL),
            (decoded.Entry[1].Type, decoded.Entry[1].Code, decoded.Entry[1].Tok, decoded.Entry[1].Time, decoded.Entry[1].Info));
        Assert.Equal(4u, decoded.Entry[0].Code);
        Assert.True(decoded.Validate(out _));
    }
}
