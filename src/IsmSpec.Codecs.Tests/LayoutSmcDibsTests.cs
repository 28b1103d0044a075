using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.Smc;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// SMC-D CDC message and DIBS host structs. Facts: research/kernel-dibs-ism.md §2.9 (smcd_cdc_msg) and §2.3
/// (dibs_dmb, dibs_event on a 64-bit kernel).
/// </summary>
public class LayoutSmcDibsTests
{
    [Fact]
    public void Smcd_cdc_message_is_32_bytes_with_cursors_at_8_and_16()
    {
        Layout.Size<SmcdCdcMsg>(32);
        Layout.Size<SmcdCdcCursor>(8);
        Layout.Field(0, 1, (ref SmcdCdcMsg v) => v.Type = 0xFF);
        Layout.Field(1, 7, (ref SmcdCdcMsg v) => v.Res1.Fill(0xFF));
        Layout.Field(8, 8, (ref SmcdCdcMsg v) => { v.Prod.Wrap = ushort.MaxValue; v.Prod.Count = uint.MaxValue; v.Prod.ProdFlags.Value = 0xFF; v.Prod.ConnStateFlags.Value = 0xFF; });
        Layout.Field(16, 2, (ref SmcdCdcMsg v) => v.Cons.Wrap = ushort.MaxValue);
        Layout.Field(18, 4, (ref SmcdCdcMsg v) => v.Cons.Count = uint.MaxValue);
        Layout.Field(22, 1, (ref SmcdCdcMsg v) => v.Cons.ProdFlags.Value = 0xFF);
        Layout.Field(23, 1, (ref SmcdCdcMsg v) => v.Cons.ConnStateFlags.Value = 0xFF);
        Layout.Field(24, 8, (ref SmcdCdcMsg v) => v.Res3.Fill(0xFF));
    }

    [Fact]
    public void Smcd_cursor_is_packed_wrap_count_and_two_flag_bytes()
    {
        Layout.Field(0, 2, (ref SmcdCdcCursor v) => v.Wrap = ushort.MaxValue);
        Layout.Field(2, 4, (ref SmcdCdcCursor v) => v.Count = uint.MaxValue);
        Layout.Field(6, 1, (ref SmcdCdcCursor v) => v.ProdFlags.WriteBlocked = true);
        Layout.Field(7, 1, (ref SmcdCdcCursor v) => v.ConnStateFlags.PeerDoneWriting = true);
        Layout.Size<SmcdProdFlags>(1);
        Layout.Size<SmcdConnStateFlags>(1);
    }

    [Fact]
    public void Smc_gid_image_and_software_event_info_are_16_and_8_bytes()
    {
        Layout.Size<SmcdDibsGid>(16);
        Layout.Field(8, 8, (ref SmcdDibsGid v) => v.GidExt = ulong.MaxValue);
        Layout.Size<SmcdSwEventInfo>(8);
        Layout.Field(0, 4, (ref SmcdSwEventInfo v) => v.LgrId = uint.MaxValue);
        Layout.Field(4, 2, (ref SmcdSwEventInfo v) => v.VlanId = ushort.MaxValue);
        Layout.Field(6, 2, (ref SmcdSwEventInfo v) => v.Code = (SmcdSwEventInfoCode)ushort.MaxValue);
    }

    [Fact]
    public void Dibs_event_is_48_bytes()
    {
        Layout.Size<DibsEvent>(48);
        Layout.Field(0, 4, (ref DibsEvent v) => v.Type = (DibsEventType)uint.MaxValue);
        Layout.Field(4, 4, (ref DibsEvent v) => v.Subtype = uint.MaxValue);
        Layout.Field(8, 16, (ref DibsEvent v) => v.Gid.Fill(0xFF));
        Layout.Field(24, 8, (ref DibsEvent v) => v.BufferTok = ulong.MaxValue);
        Layout.Field(32, 8, (ref DibsEvent v) => v.Time = ulong.MaxValue);
        Layout.Field(40, 8, (ref DibsEvent v) => v.Data = ulong.MaxValue);
    }

    [Fact]
    public void Dibs_dmb_is_56_bytes_with_the_host_only_addresses_at_24_and_48()
    {
        Layout.Size<DibsDmb>(56);
        Layout.Field(0, 8, (ref DibsDmb v) => v.DmbTok = ulong.MaxValue);
        Layout.Field(8, 16, (ref DibsDmb v) => v.Rgid.Fill(0xFF));
        Layout.Field(24, 8, (ref DibsDmb v) => v.CpuAddr = ulong.MaxValue);
        Layout.Field(32, 4, (ref DibsDmb v) => v.DmbLen = uint.MaxValue);
        Layout.Field(36, 4, (ref DibsDmb v) => v.Idx = uint.MaxValue);
        Layout.Field(40, 4, (ref DibsDmb v) => v.VlanValid = uint.MaxValue);
        Layout.Field(44, 4, (ref DibsDmb v) => v.VlanId = uint.MaxValue);
        Layout.Field(48, 8, (ref DibsDmb v) => v.DmaAddr = ulong.MaxValue);
    }
}
