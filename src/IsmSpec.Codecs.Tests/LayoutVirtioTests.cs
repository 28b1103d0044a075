using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.Virtio;
using V1 = IsmSpec.Specs.VirtioIsm;
using V2 = IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// Offsets and sizes of the little-endian virtio structs, checked through the generated properties.
/// Facts: research/virtio-ism-v1-draft.md "Configuration layout" and "Commands"; virtio-ism-vhost-user.md
/// §2.2 (Gen-B) and §4.1 (split virtqueue); §6 (virtio-blk).
/// </summary>
public class LayoutVirtioTests
{
    [Fact]
    public void Virtio_ism_v1_config_is_32_bytes_of_four_le64_fields()
    {
        Layout.Size<V1.VirtioIsmConfig>(32);
        Layout.Field(0, 8, (ref V1.VirtioIsmConfig v) => v.Gid = ulong.MaxValue);
        Layout.Field(8, 8, (ref V1.VirtioIsmConfig v) => v.Devid = ulong.MaxValue);
        Layout.Field(16, 8, (ref V1.VirtioIsmConfig v) => v.RegionSize = ulong.MaxValue);
        Layout.Field(24, 8, (ref V1.VirtioIsmConfig v) => v.NotifySize = ulong.MaxValue);
    }

    [Fact]
    public void Virtio_ism_v1_command_requests_and_replies_have_the_draft_layouts()
    {
        Layout.Size<V1.VirtioIsmAllocRequest>(8);
        Layout.Field(0, 8, (ref V1.VirtioIsmAllocRequest v) => v.SizeField = ulong.MaxValue);
        Layout.Size<V1.VirtioIsmAllocReply>(16);
        Layout.Field(0, 8, (ref V1.VirtioIsmAllocReply v) => v.Token = ulong.MaxValue);
        Layout.Field(8, 8, (ref V1.VirtioIsmAllocReply v) => v.Offset = ulong.MaxValue);
        Layout.Size<V1.VirtioIsmAttachRequest>(8);
        Layout.Field(0, 8, (ref V1.VirtioIsmAttachRequest v) => v.Token = ulong.MaxValue);
        Layout.Size<V1.VirtioIsmAttachReply>(8);
        Layout.Field(0, 8, (ref V1.VirtioIsmAttachReply v) => v.Offset = ulong.MaxValue);
        Layout.Size<V1.VirtioIsmDetachRequest>(8);
        Layout.Field(0, 8, (ref V1.VirtioIsmDetachRequest v) => v.Offset = ulong.MaxValue);
        Layout.Size<V1.VirtioIsmGrantRequest>(24);
        Layout.Field(0, 8, (ref V1.VirtioIsmGrantRequest v) => v.Offset = ulong.MaxValue);
        Layout.Field(8, 8, (ref V1.VirtioIsmGrantRequest v) => v.PeerDevid = ulong.MaxValue);
        Layout.Field(16, 8, (ref V1.VirtioIsmGrantRequest v) => v.Permissions = (V1.VirtioIsmPerm)ulong.MaxValue);
        Layout.Size<V1.VirtioIsmEventVectorRequest>(16);
        Layout.Field(0, 8, (ref V1.VirtioIsmEventVectorRequest v) => v.Offset = ulong.MaxValue);
        Layout.Field(8, 8, (ref V1.VirtioIsmEventVectorRequest v) => v.Vector = ulong.MaxValue);
        Layout.Size<V1.VirtioIsmEvent>(8);
        Assert.Equal(8, V1.VirtioIsmEvent.OffsetElementSize);
    }

    [Fact]
    public void Virtio_ism_v1_framing_adds_class_and_command_before_and_the_ack_before_the_reply()
    {
        Assert.Equal(2, V1.VirtioIsmCtrl.HeaderSize);
        Assert.Equal(1, V1.VirtioIsmCtrl.AckSize);
        Assert.Equal((10, 17), (V1.VirtioIsmCtrl.AllocRequestLength, V1.VirtioIsmCtrl.AllocReplyLength));
        Assert.Equal((10, 9), (V1.VirtioIsmCtrl.AttachRequestLength, V1.VirtioIsmCtrl.AttachReplyLength));
        Assert.Equal((10, 1), (V1.VirtioIsmCtrl.DetachRequestLength, V1.VirtioIsmCtrl.DetachReplyLength));
        Assert.Equal((26, 1), (V1.VirtioIsmCtrl.GrantRequestLength, V1.VirtioIsmCtrl.GrantReplyLength));
        Assert.Equal((18, 1), (V1.VirtioIsmCtrl.EventVectorRequestLength, V1.VirtioIsmCtrl.EventVectorReplyLength));
    }

    [Fact]
    public void Virtio_ism_v2_structs_follow_the_gen_b_layouts()
    {
        Layout.Size<V2.VirtioIsmConfig>(32);
        Layout.Field(16, 8, (ref V2.VirtioIsmConfig v) => v.ChunkSize = ulong.MaxValue);
        Layout.Size<V2.VirtioIsmArea>(16);
        Layout.Field(0, 8, (ref V2.VirtioIsmArea v) => v.Offset = ulong.MaxValue);
        Layout.Field(8, 8, (ref V2.VirtioIsmArea v) => v.SizeField = ulong.MaxValue);
        Layout.Size<V2.VirtioIsmAllocReply>(16);
        Layout.Field(8, 8, (ref V2.VirtioIsmAllocReply v) => v.Num = ulong.MaxValue);
        Assert.Equal(16, V2.VirtioIsmAllocReply.AreaElementSize);
        Layout.Size<V2.VirtioIsmAttachRequest>(16);
        Layout.Field(8, 4, (ref V2.VirtioIsmAttachRequest v) => v.RwPerm = uint.MaxValue);
        Layout.Field(12, 4, (ref V2.VirtioIsmAttachRequest v) => v.Pad = uint.MaxValue);
        Layout.Size<V2.VirtioIsmAttachReply>(8);
        Layout.Size<V2.VirtioIsmGrantDefaultRequest>(16);
        Layout.Size<V2.VirtioIsmGrantRequest>(24);
        Layout.Field(8, 8, (ref V2.VirtioIsmGrantRequest v) => v.Permissions = (V2.VirtioIsmPerm)ulong.MaxValue);
        Layout.Field(16, 8, (ref V2.VirtioIsmGrantRequest v) => v.PeerDevid = ulong.MaxValue);
        Layout.Size<V2.VirtioIsmEventUpdate>(24);
        Layout.Size<V2.VirtioIsmEventAttachDetach>(32);
        Layout.Field(24, 8, (ref V2.VirtioIsmEventAttachDetach v) => v.Peers = ulong.MaxValue);
    }

    [Fact]
    public void Virtq_desc_is_16_bytes_addr_len_flags_next()
    {
        Layout.Size<VirtqDesc>(16);
        Layout.Field(0, 8, (ref VirtqDesc v) => v.Addr = ulong.MaxValue);
        Layout.Field(8, 4, (ref VirtqDesc v) => v.Len = uint.MaxValue);
        Layout.Field(12, 2, (ref VirtqDesc v) => v.Flags.Value = ushort.MaxValue);
        Layout.Field(14, 2, (ref VirtqDesc v) => v.Next = ushort.MaxValue);
        Layout.Size<VirtqDescFlags>(2);
    }

    [Fact]
    public void Virtq_used_elem_is_8_bytes_and_the_ring_pieces_are_2_or_4_bytes()
    {
        Layout.Size<VirtqUsedElem>(8);
        Layout.Field(0, 4, (ref VirtqUsedElem v) => v.Id = uint.MaxValue);
        Layout.Field(4, 4, (ref VirtqUsedElem v) => v.Len = uint.MaxValue);
        Layout.Size<VirtqUsed>(4);
        Layout.Field(2, 2, (ref VirtqUsed v) => v.Idx = ushort.MaxValue);
        Layout.Size<VirtqAvail>(4);
        Layout.Field(0, 2, (ref VirtqAvail v) => v.Flags = (VirtqAvailFlags)ushort.MaxValue);
        Layout.Size<VirtqAvailElem>(2);
        Layout.Size<VirtqAvailTrailer>(2);
        Layout.Size<VirtqUsedTrailer>(2);
    }

    [Fact]
    public void Virtio_blk_config_is_the_60_byte_qemu_layout()
    {
        Layout.Size<VirtioBlkConfig>(60);
        Layout.Field(16, 2, (ref VirtioBlkConfig v) => v.Geometry.Cylinders = ushort.MaxValue);
        Layout.Field(19, 1, (ref VirtioBlkConfig v) => v.Geometry.Sectors = byte.MaxValue);
        Layout.Field(20, 4, (ref VirtioBlkConfig v) => v.BlkSize = uint.MaxValue);
        Layout.Field(28, 4, (ref VirtioBlkConfig v) => v.Topology.OptIoSize = uint.MaxValue);
        Layout.Field(33, 1, (ref VirtioBlkConfig v) => v.Unused0 = byte.MaxValue);
        Layout.Field(34, 2, (ref VirtioBlkConfig v) => v.NumQueues = ushort.MaxValue);
        Layout.Field(56, 1, (ref VirtioBlkConfig v) => v.WriteZeroesMayUnmap = byte.MaxValue);
        Layout.Field(57, 3, (ref VirtioBlkConfig v) => v.Unused1.Fill(0xFF));
        Layout.Size<VirtioBlkReqHeader>(16);
        Layout.Field(8, 8, (ref VirtioBlkReqHeader v) => v.Sector = ulong.MaxValue);
    }
}
