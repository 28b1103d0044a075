using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.Smc;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// Host-order SMC-D and DIBS images written out by hand (for a little-endian host; Bytes.HostOrder swaps the
/// multi-byte fields on a big-endian one) and the big-endian SMC GID image.
/// </summary>
public class GoldenSmcDibsVectorTests
{
    // research/kernel-dibs-ism.md §2.9: connection-state flags peer_done_writing 0x80, peer_conn_closed 0x40,
    // peer_conn_abort 0x20; producer flags write_blocked 0x80 ... failover_validation 0x08.
    [Fact]
    public void Cursor_flag_bytes_are_msb_first()
    {
        SmcdConnStateFlags state = default;
        state.PeerDoneWriting = true;
        state.PeerConnAbort = true;
        Assert.Equal(new byte[] { 0xA0 }, Bytes.Of(state));
        Assert.True(SmcdConnStateFlags.TryRead(new byte[] { 0xA0 }, out var decodedState));
        Assert.Equal((true, false, true), (decodedState.PeerDoneWriting, decodedState.PeerConnClosed, decodedState.PeerConnAbort));

        SmcdProdFlags prod = default;
        prod.WriteBlocked = true;
        Assert.Equal(new byte[] { 0x80 }, Bytes.Of(prod));
        Assert.True(SmcdProdFlags.TryRead(new byte[] { 0x08 }, out var decodedProd));
        Assert.Equal((false, true), (decodedProd.WriteBlocked, decodedProd.FailoverValidation));
    }

    // research/kernel-dibs-ism.md §2.9 smcd_cdc_msg: type 0xFE @0, res1 @1, prod {wrap @8, count @10, flags @14, @15},
    // cons {wrap @16, count @18, flags @22, @23}, res3 @24; wrap/count in the sender's native order.
    private static readonly byte[] CdcImage = Bytes.HostOrder(Bytes.Hex("""
        FE 00 00 00 00 00 00 00
        01 00  00 10 00 00  00  00
        02 00  20 00 00 00  80  A0
        00 00 00 00 00 00 00 00
        """), (8, 2), (10, 4), (16, 2), (18, 4));

    [Fact]
    public void Cdc_message_encodes_and_decodes_in_host_order()
    {
        SmcdCdcMsg msg = default;
        msg.Type = 0xFE;
        msg.Prod.Wrap = 1;
        msg.Prod.Count = 0x1000;
        msg.Cons.Wrap = 2;
        msg.Cons.Count = 0x20;
        msg.Cons.ProdFlags.WriteBlocked = true;
        msg.Cons.ConnStateFlags.PeerDoneWriting = true;
        msg.Cons.ConnStateFlags.PeerConnAbort = true;
        Assert.Equal(CdcImage, Bytes.Of(msg));

        Assert.True(SmcdCdcMsg.TryRead(CdcImage, out var decoded));
        Assert.Equal((0xFE, (ushort)1, 0x1000u, (ushort)2, 0x20u), (decoded.Type, decoded.Prod.Wrap, decoded.Prod.Count, decoded.Cons.Wrap, decoded.Cons.Count));
        Assert.True(decoded.Cons.ProdFlags.WriteBlocked);
        Assert.Equal((byte)0xA0, decoded.Cons.ConnStateFlags.Value);
        Assert.True(decoded.Validate(out _));
    }

    // research/kernel-dibs-ism.md §2.3 dibs_event (48 bytes, host order): type @0, subtype @4, gid @8 (16 bytes
    // as stored), buffer_tok @24, time @32, data @40.
    private static readonly byte[] DibsEventImage = Bytes.HostOrder(Bytes.Hex("""
        02 00 00 00  83 00 00 00
        00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF
        08 07 06 05 04 03 02 01
        88 77 66 55 44 33 22 11
        FF 00 00 00 00 00 00 00
        """), (0, 4), (4, 4), (24, 8), (32, 8), (40, 8));

    [Fact]
    public void Dibs_event_encodes_and_decodes_in_host_order()
    {
        DibsEvent ev = default;
        ev.Type = DibsEventType.SwEvent;
        ev.Subtype = 0x83;
        Bytes.Hex("00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF").CopyTo(ev.Gid);
        ev.BufferTok = 0x0102030405060708;
        ev.Time = 0x1122334455667788;
        ev.Data = 0xFF;
        Assert.Equal(DibsEventImage, Bytes.Of(ev));

        Assert.True(DibsEvent.TryRead(DibsEventImage, out var decoded));
        Assert.Equal((DibsEventType.SwEvent, 0x83u, 0x0102030405060708UL, 0x1122334455667788UL, 0xFFUL),
            (decoded.Type, decoded.Subtype, decoded.BufferTok, decoded.Time, decoded.Data));
        Assert.Equal(DibsEventImage[8..24], decoded.Gid.ToArray());
    }

    // research/kernel-dibs-ism.md §2.7 / smc.ism smcd_dibs_gid: {gid, gid_ext}, both big-endian, gid first.
    [Fact]
    public void Smc_gid_image_is_big_endian_gid_then_extension()
    {
        var expected = Bytes.Hex("11 22 33 44 55 66 77 88  00 00 00 00 00 00 00 00");
        Assert.Equal(expected, Bytes.Of(new SmcdDibsGid { Gid = 0x1122334455667788 }));
        Assert.True(SmcdDibsGid.TryRead(expected, out var decoded));
        Assert.Equal((0x1122334455667788UL, 0UL), (decoded.Gid, decoded.GidExt));
    }
}
