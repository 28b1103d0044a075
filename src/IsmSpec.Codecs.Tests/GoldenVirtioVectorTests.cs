using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.Virtio;
using V1 = IsmSpec.Specs.VirtioIsm;
using V2 = IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// Little-endian virtio byte images written out by hand from the research notes (never produced by the code
/// under test): encoding gives exactly these bytes and decoding gives back the values.
/// </summary>
public class GoldenVirtioVectorTests
{
    // research/virtio-ism-v1-draft.md "Configuration layout": gid, devid, region_size, notify_size, le64 each.
    private static readonly byte[] ConfigImage = Bytes.Hex("""
        88 77 66 55 44 33 22 11
        08 07 06 05 04 03 02 01
        00 00 10 00 00 00 00 00
        00 10 00 00 00 00 00 00
        """);

    [Fact]
    public void Virtio_ism_config_encodes_and_decodes_little_endian()
    {
        var config = new V1.VirtioIsmConfig { Gid = 0x1122334455667788, Devid = 0x0102030405060708, RegionSize = 0x100000, NotifySize = 0x1000 };
        var buffer = new byte[32];
        Assert.True(config.TryWrite(buffer));
        Assert.Equal(ConfigImage, buffer);

        Assert.True(V1.VirtioIsmConfig.TryRead(ConfigImage, out var decoded));
        Assert.Equal((0x1122334455667788UL, 0x0102030405060708UL, 0x100000UL, 0x1000UL),
            (decoded.Gid, decoded.Devid, decoded.RegionSize, decoded.NotifySize));
    }

    // research/virtio-ism-vhost-user.md §4.1: desc = le64 addr; le32 len; le16 flags (NEXT=1, WRITE=2); le16 next.
    private static readonly byte[] DescImage = Bytes.Hex("00 60 45 23 01 00 00 00  00 02 00 00  03 00  05 00");

    [Fact]
    public void Virtq_desc_with_next_and_write_encodes_and_decodes()
    {
        VirtqDesc desc = default;
        desc.Addr = 0x123456000;
        desc.Len = 512;
        desc.Flags.Next = true;
        desc.Flags.Write = true;
        desc.Next = 5;
        Assert.Equal(DescImage, Bytes.Of(desc));

        Assert.True(VirtqDesc.TryRead(DescImage, out var decoded));
        Assert.Equal((0x123456000UL, 512u, true, true, false, (ushort)5),
            (decoded.Addr, decoded.Len, decoded.Flags.Next, decoded.Flags.Write, decoded.Flags.Indirect, decoded.Next));
        Assert.Equal((ushort)3, decoded.Flags.Value);
    }

    // research/virtio-ism-v1-draft.md "Control virtqueue framing" + "Commands": u8 class 0, u8 cmd 0, le64 size.
    [Fact]
    public void Alloc_request_is_framed_as_class_command_and_le64_size()
    {
        var expected = Bytes.Hex("00 00  00 00 10 00 00 00 00 00");
        var buffer = new byte[16];
        buffer.AsSpan().Fill(0xCC);
        Assert.True(V1.VirtioIsmCtrl.TryWriteAlloc(buffer, new V1.VirtioIsmAllocRequest { SizeField = 0x100000 }, out int written));
        Assert.Equal(10, written);
        Assert.Equal(expected, buffer[..written]);
        Assert.All(buffer[written..], b => Assert.Equal(0xCC, b));
    }

    // research/virtio-ism-v1-draft.md "Commands": GRANT class 3 cmd 0, le64 offset, le64 peer_devid, le64 permissions.
    [Fact]
    public void Grant_request_of_the_first_draft_puts_peer_devid_before_permissions()
    {
        var expected = Bytes.Hex("03 00  00 00 20 00 00 00 00 00  07 00 00 00 00 00 00 00  03 00 00 00 00 00 00 00");
        var request = new V1.VirtioIsmGrantRequest { Offset = 0x200000, PeerDevid = 7, Permissions = V1.VirtioIsmPerm.Read | V1.VirtioIsmPerm.Write };
        var buffer = new byte[V1.VirtioIsmCtrl.GrantRequestLength];
        Assert.True(V1.VirtioIsmCtrl.TryWriteGrant(buffer, request, out _));
        Assert.Equal(expected, buffer);
    }

    // research/virtio-ism-v1-draft.md "Control virtqueue framing": u8 ack, then le64 token, le64 offset.
    [Fact]
    public void Alloc_reply_decodes_ack_token_and_offset()
    {
        var reply = Bytes.Hex("00  EF CD AB 89 67 45 23 01  00 00 30 00 00 00 00 00");
        Assert.True(V1.VirtioIsmCtrl.TryReadAllocReply(reply, out var ack, out var value));
        Assert.Equal(V1.VirtioIsmAck.Ok, ack);
        Assert.Equal((0x0123456789ABCDEFUL, 0x300000UL), (value.Token, value.Offset));
        Assert.False(V1.VirtioIsmCtrl.TryReadAllocReply(reply[..16], out _, out _));
    }

    // research/virtio-ism-vhost-user.md §2.2 (Gen-B): GRANT_SET_FOR_DEVICE = class 3 cmd 1, {token, permissions, peer_devid}.
    [Fact]
    public void Gen_b_grant_for_device_uses_command_1_and_puts_permissions_before_peer_devid()
    {
        var expected = Bytes.Hex("03 01  11 00 00 00 00 00 00 00  13 00 00 00 00 00 00 00  09 00 00 00 00 00 00 00");
        var request = new V2.VirtioIsmGrantRequest { Token = 0x11, Permissions = V2.VirtioIsmPerm.Read | V2.VirtioIsmPerm.Write | V2.VirtioIsmPerm.CleanDefault, PeerDevid = 9 };
        var buffer = new byte[V2.VirtioIsmCtrl.GrantSetForDeviceRequestLength];
        Assert.True(V2.VirtioIsmCtrl.TryWriteGrantSetForDevice(buffer, request, out _));
        Assert.Equal(expected, buffer);
    }

    // research/virtio-ism-vhost-user.md §2.2 (Gen-B): ALLOC reply = {token, num, area[num]}, area = {offset, size}.
    [Fact]
    public void Gen_b_alloc_reply_decodes_its_area_list()
    {
        var reply = Bytes.Hex("""
            00
            42 00 00 00 00 00 00 00  02 00 00 00 00 00 00 00
            00 00 10 00 00 00 00 00  00 00 04 00 00 00 00 00
            00 00 40 00 00 00 00 00  00 00 02 00 00 00 00 00
            """);
        Assert.True(V2.VirtioIsmCtrl.TryReadAllocReply(reply, out var ack, out var value, out var tail));
        Assert.Equal(V2.VirtioIsmAck.Ok, ack);
        Assert.Equal((0x42UL, 2UL, 32), (value.Token, value.Num, tail.Length));
        var first = V2.VirtioIsmAllocReply.GetArea(tail, 0);
        var second = V2.VirtioIsmAllocReply.GetArea(tail, 1);
        Assert.Equal((0x100000UL, 0x40000UL), (first.Offset, first.SizeField));
        Assert.Equal((0x400000UL, 0x20000UL), (second.Offset, second.SizeField));

        var rebuilt = new byte[reply.Length];
        V2.VirtioIsmAllocReply head = default;
        head.Token = 0x42;
        head.Num = 2;
        Assert.True(head.TryWrite(rebuilt.AsSpan(1)));
        V2.VirtioIsmAllocReply.SetArea(rebuilt.AsSpan(17), 0, new V2.VirtioIsmArea { Offset = 0x100000, SizeField = 0x40000 });
        V2.VirtioIsmAllocReply.SetArea(rebuilt.AsSpan(17), 1, new V2.VirtioIsmArea { Offset = 0x400000, SizeField = 0x20000 });
        Assert.Equal(reply, rebuilt);

        // num says 2 areas but only one is present
        Assert.False(V2.VirtioIsmCtrl.TryReadAllocReply(reply[..33], out _, out _, out _));
    }

    // research/virtio-ism-v1-draft.md "Events": virtio_ism_event { le64 num; le64 offset[num]; }.
    [Fact]
    public void V1_event_buffer_decodes_its_offsets()
    {
        var message = Bytes.Hex("03 00 00 00 00 00 00 00  00 00 10 00 00 00 00 00  00 00 20 00 00 00 00 00  00 00 30 00 00 00 00 00  FF");
        Assert.True(V1.VirtioIsmEvent.TryReadMessage(message, out var header, out var tail));
        Assert.Equal((3UL, 24, 32L), (header.Num, tail.Length, header.MessageLength));
        Assert.Equal(0x300000UL, V1.VirtioIsmEvent.GetOffset(tail, 2));
        var rebuilt = new byte[24];
        for (int i = 0; i < 3; i++) V1.VirtioIsmEvent.SetOffset(rebuilt, i, 0x100000UL * (ulong)(i + 1));
        Assert.Equal(message[8..32], rebuilt);
    }

    // research/virtio-ism-vhost-user.md §6: virtio_blk_req header = le32 type, le32 reserved/ioprio, le64 sector.
    [Fact]
    public void Virtio_blk_request_header_encodes_little_endian()
    {
        var expected = Bytes.Hex("01 00 00 00  00 00 00 00  10 32 54 76 00 00 00 00");
        var header = new VirtioBlkReqHeader { Type = VirtioBlkReqType.Out, Sector = 0x76543210 };
        Assert.Equal(expected, Bytes.Of(header));
        Assert.True(VirtioBlkReqHeader.TryRead(expected, out var decoded));
        Assert.Equal((VirtioBlkReqType.Out, 0x76543210UL), (decoded.Type, decoded.Sector));
    }
}
