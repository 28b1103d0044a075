using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.S390Ism;
using V1 = IsmSpec.Specs.VirtioIsm;
using V2 = IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// Driver-side reply readers against what the device-side dispatchers send: an error reply is the ack (virtio)
/// or the 8-byte header (ISM) alone (research/virtio-ism-v1-draft.md "Control virtqueue framing"; kernel-dibs-ism.md §4.2).
/// </summary>
public class ReplyReaderTests
{
    [Fact]
    public void An_ok_reply_reads_ack_and_body()
    {
        Assert.True(V1.VirtioIsmCtrl.TryReadAttachReply(Bytes.Hex("00 00 10 00 00 00 00 00 00"), out var ack, out var value));
        Assert.Equal((V1.VirtioIsmAck.Ok, 0x1000UL), (ack, value.Offset));
        Assert.True(V1.VirtioIsmCtrl.TryReadAck(Bytes.Hex("01"), out ack));
        Assert.Equal(V1.VirtioIsmAck.Err, ack);
        Assert.False(V1.VirtioIsmCtrl.TryReadAck(Array.Empty<byte>(), out _));
        Assert.False(V1.VirtioIsmCtrl.TryReadAttachReply(Array.Empty<byte>(), out _, out _));
    }

    [Fact]
    public void An_ok_reply_shorter_than_its_body_is_refused()
    {
        Assert.False(V1.VirtioIsmCtrl.TryReadAllocReply(Bytes.Hex("00 01 02 03"), out _, out _));
        Assert.False(V2.VirtioIsmCtrl.TryReadAttachReply(Bytes.Hex("00 01 00 00 00 00 00 00 00"), out _, out _, out _));
    }

    [Fact]
    public void An_ism_error_response_reads_as_its_code_with_no_body()
    {
        var response = new byte[IsmReadGid.Size];
        var handler = new IsmHandler { Code = (IsmRet)0x0203 };
        int written = IsmCommands.Dispatch(ref handler, Bytes.Hex("00 00 00 03 00 00 00 08"), response, out var status);
        Assert.Equal((DispatchStatus.Handled, 8), (status, written));
        Assert.True(IsmCommands.TryReadReadGidResponse(response.AsSpan(0, written), out var code, out var value));
        Assert.Equal((IsmRet)0x0203, code);
        Assert.Equal(default, value);
    }

    [Fact]
    public void A_virtio_error_reply_of_the_ack_alone_reads_as_that_ack()
    {
        // what the v1 dispatcher answers to an unknown command
        var handler = new V1Handler();
        var reply = new byte[17];
        int written = V1.VirtioIsmCtrl.Dispatch(ref handler, Bytes.Hex("09 09"), reply, out _);
        Assert.Equal(1, written);
        Assert.True(V1.VirtioIsmCtrl.TryReadAllocReply(reply.AsSpan(0, written), out var ack, out _));
        Assert.Equal(V1.VirtioIsmAck.Err, ack);
        Assert.True(V1.VirtioIsmCtrl.TryReadAttachReply(Bytes.Hex("01"), out ack, out _));
        Assert.Equal(V1.VirtioIsmAck.Err, ack);

        Assert.True(V2.VirtioIsmCtrl.TryReadAllocReply(Bytes.Hex("0C"), out var ack2, out _, out var tail));
        Assert.Equal((V2.VirtioIsmAck.Enomem, 0), (ack2, tail.Length));
        Assert.True(V2.VirtioIsmCtrl.TryReadAttachReply(Bytes.Hex("64"), out ack2, out _, out _));
        Assert.Equal(V2.VirtioIsmAck.PermEattach, ack2);
    }

    [Fact]
    public void Tail_messages_with_random_counts_never_throw_and_slice_exactly_count_elements()
    {
        var counts = Gen.Frequency((4, Gen.Choose(0, 6).Select(n => (ulong)n)), (1, Gen.Elements(0x0FFFFFFFUL, 0x10000000UL, 0x7FFFFFFFFFFFFFFFUL, ulong.MaxValue)));
        var bodies = Gen.Choose(0, 120).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));
        var cases = Gen.Zip(counts, bodies);
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (count, message) = c;
            bool ok = true;
            // v1 event {num; offset[num]}: num at 0, 8-byte elements from 8
            if (message.Length >= 8) BinaryPrimitives.WriteUInt64LittleEndian(message, count);
            if (V1.VirtioIsmEvent.TryReadMessage(message, out var ev, out var offsets))
                ok &= (ulong)offsets.Length == ev.Num * 8 && 8 + offsets.Length <= message.Length;
            else ok &= message.Length < 8 || ev.MessageLength > message.Length;
            // v2 alloc reply {token; num; area[num]}: num at 8, 16-byte elements from 16
            if (message.Length >= 16) BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(8), count);
            if (V2.VirtioIsmAllocReply.TryReadMessage(message, out var alloc, out var areas))
            {
                ok &= (ulong)areas.Length == alloc.Num * 16 && 16 + areas.Length <= message.Length;
                if (alloc.Num > 0)
                {
                    int last = (int)alloc.Num - 1;
                    ok &= V2.VirtioIsmAllocReply.GetArea(areas, last).Equals(Bytes.Read<V2.VirtioIsmArea>(message[(16 + 16 * last)..]));
                }
            }
            else ok &= message.Length < 16 || alloc.MessageLength > message.Length;
            return ok;
        });
        PropertyRunner.Check(property, 2000, "TryReadMessage on random tails");
    }
}
