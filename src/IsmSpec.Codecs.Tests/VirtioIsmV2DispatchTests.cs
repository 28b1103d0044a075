using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// The generated virtio-ism version 2 (Gen-B) dispatcher: ALLOC and ATTACH replies carry an area list after the
/// fixed reply (research/virtio-ism-vhost-user.md §2.2), written by the handler into the reply tail.
/// </summary>
public class VirtioIsmV2DispatchTests
{
    private const byte Err = (byte)VirtioIsmAck.Err; // 255 in Gen-B

    public static TheoryData<string> CommandNames => new(VirtioIsmCtrl.Commands.Select(c => c.Name));

    private static CommandDescriptor Command(string name) => VirtioIsmCtrl.Commands.Single(c => c.Name == name);

    private static byte[] Frame(CommandDescriptor command, int payloadLength = -1)
    {
        var request = new byte[VirtioIsmCtrl.HeaderSize + (payloadLength < 0 ? command.RequestSize : payloadLength)];
        request[0] = (byte)command.Class;
        request[1] = (byte)command.Code;
        for (int i = 2; i < request.Length; i++) request[i] = (byte)(i * 5);
        return request;
    }

    private static (int Written, DispatchStatus Status, byte[] Reply, V2Handler Handler) Run(byte[] request, int replyLength = 96, V2Handler handler = default)
    {
        var reply = new byte[replyLength];
        reply.AsSpan().Fill(0xCC);
        int written = VirtioIsmCtrl.Dispatch(ref handler, request, reply, out var status);
        return (written, status, reply, handler);
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Each_command_reaches_its_handler_method_with_the_decoded_request(string name)
    {
        var command = Command(name);
        var request = Frame(command);
        var (written, status, reply, handler) = Run(request, handler: new V2Handler { TailLength = 32 });

        Assert.Equal(DispatchStatus.Handled, status);
        Assert.Equal((1, name), (handler.Record.Calls, handler.Record.Last));
        Assert.Equal(request[2..], handler.Record.SeenBytes());
        int tail = command.ReplyHasTail ? 32 : 0;
        Assert.Equal(1 + command.ReplySize + tail, written);
        var expected = new byte[written];
        CallRecord.FillPattern(expected.AsSpan(1, command.ReplySize));
        CallRecord.FillPattern(expected.AsSpan(1 + command.ReplySize), 0x80);
        Assert.Equal(expected, reply[..written]);
    }

    [Fact]
    public void Grant_set_default_and_grant_set_for_device_share_class_3_and_differ_by_command()
    {
        Assert.Equal("grant_set_default", Run(Frame(Command("grant_set_default"))).Handler.Record.Last);
        Assert.Equal("grant_set_for_device", Run(Frame(Command("grant_set_for_device"))).Handler.Record.Last);
    }

    [Fact]
    public void An_alloc_reply_with_areas_reads_back_through_the_reply_reader()
    {
        var request = new byte[VirtioIsmCtrl.AllocRequestLength];
        Assert.True(VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = 0x8000 }, out _));
        var reply = new byte[VirtioIsmCtrl.AllocReplyLength + 2 * VirtioIsmArea.Size];
        var handler = new AreaHandler();
        int written = VirtioIsmCtrl.Dispatch(ref handler, request, reply, out var status);
        Assert.Equal((DispatchStatus.Handled, reply.Length), (status, written));
        Assert.True(VirtioIsmCtrl.TryReadAllocReply(reply, out var ack, out var head, out var tail));
        Assert.Equal((VirtioIsmAck.Ok, 9UL, 2UL), (ack, head.Token, head.Num));
        Assert.Equal(0x8000UL, VirtioIsmAllocReply.GetArea(tail, 1).Offset);
    }

    private struct AreaHandler : IVirtioIsmCtrlHandler
    {
        public VirtioIsmAck Alloc(in VirtioIsmAllocRequest request, ref VirtioIsmAllocReply reply, Span<byte> replyTail, out int replyTailLength)
        {
            reply.Token = 9;
            reply.Num = 2;
            VirtioIsmAllocReply.SetArea(replyTail, 0, new VirtioIsmArea { Offset = 0, SizeField = request.SizeField });
            VirtioIsmAllocReply.SetArea(replyTail, 1, new VirtioIsmArea { Offset = request.SizeField, SizeField = request.SizeField });
            replyTailLength = 2 * VirtioIsmArea.Size;
            return VirtioIsmAck.Ok;
        }
        public VirtioIsmAck Attach(in VirtioIsmAttachRequest request, ref VirtioIsmAttachReply reply, Span<byte> replyTail, out int replyTailLength) { replyTailLength = 0; return VirtioIsmAck.Enoent; }
        public VirtioIsmAck Detach(in VirtioIsmDetachRequest request) => VirtioIsmAck.Enoent;
        public VirtioIsmAck GrantSetDefault(in VirtioIsmGrantDefaultRequest request) => VirtioIsmAck.Enoent;
        public VirtioIsmAck GrantSetForDevice(in VirtioIsmGrantRequest request) => VirtioIsmAck.Enoent;
        public VirtioIsmAck EventVector(in VirtioIsmEventVectorRequest request) => VirtioIsmAck.Enoent;
    }

    [Fact]
    public void A_handler_error_code_is_sent_alone_even_with_a_tail_written()
    {
        var (written, status, reply, _) = Run(Frame(Command("attach")), handler: new V2Handler { Ack = VirtioIsmAck.PermEattach, TailLength = 16 });
        Assert.Equal((DispatchStatus.Handled, 1, (byte)100), (status, written, reply[0]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    [InlineData(-1)]
    public void A_handler_claiming_more_tail_than_the_buffer_holds_gets_the_error_ack(int beyond)
    {
        int replyLength = 40;
        int room = replyLength - VirtioIsmCtrl.AllocReplyLength;
        int claimed = beyond < 0 ? beyond : (int)Math.Min((long)room + beyond, int.MaxValue);
        var (written, status, reply, _) = Run(Frame(Command("alloc")), replyLength, new V2Handler { TailLength = room, ClaimedTail = claimed });
        Assert.Equal((DispatchStatus.HandlerOverflow, 1, Err), (status, written, reply[0]));
    }

    public static TheoryData<string, byte[], int, DispatchStatus> Malformed => new()
    {
        { "empty request", Array.Empty<byte>(), 96, DispatchStatus.TooShort },
        { "attach one byte short", Frame(Command("attach"), 15), 96, DispatchStatus.BadLength },
        { "attach one byte over", Frame(Command("attach"), 17), 96, DispatchStatus.BadLength },
        { "unknown command 2 of class 3", new byte[] { 3, 2 }.Concat(new byte[16]).ToArray(), 96, DispatchStatus.UnknownCommand },
        { "unknown class 9", new byte[] { 9, 0 }, 96, DispatchStatus.UnknownCommand },
        { "alloc reply buffer one byte short", Frame(Command("alloc")), 16, DispatchStatus.ReplyBufferTooSmall },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_request_gets_the_error_ack_alone_and_the_handler_is_not_called(string why, byte[] request, int replyLength, DispatchStatus expected)
    {
        var (written, status, reply, handler) = Run(request, replyLength);
        Assert.True(expected == status, $"{why}: {status}");
        Assert.Equal((1, Err, 0), (written, reply[0], handler.Record.Calls));
        Assert.All(reply[1..], b => Assert.Equal(0xCC, b));
    }

    [Fact]
    public void Random_requests_and_tail_claims_never_throw()
    {
        var header = Gen.Zip(Gen.Choose(0, 5), Gen.Choose(0, 2));
        var payload = Gen.Choose(0, 26).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));
        var request = Gen.Zip(header, payload).Select(t => new[] { (byte)t.Item1.Item1, (byte)t.Item1.Item2 }.Concat(t.Item2).ToArray());
        var handler = Gen.Zip(Gen.Choose(-2, 80), Gen.Elements(VirtioIsmAck.Ok, VirtioIsmAck.Err, VirtioIsmAck.Enomem))
            .Select(t => new V2Handler { TailLength = Math.Max(t.Item1, 0), ClaimedTail = t.Item1 < 0 ? t.Item1 : null, Ack = t.Item2 });
        var cases = Gen.Zip(request, Gen.Zip(Gen.Choose(0, 64), handler));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (bytes, (replyLength, h)) = c;
            var (written, status, reply, after) = Run(bytes, replyLength, h);
            Assert.InRange(written, 0, replyLength);
            if (replyLength == 0) return written == 0 && after.Record.Calls == 0;
            if (status is DispatchStatus.Handled) return after.Record.Calls == 1 && reply[0] == (byte)h.Ack;
            if (status is DispatchStatus.HandlerOverflow) return written == 1 && reply[0] == Err && after.Record.Calls == 1;
            return written == 1 && reply[0] == Err && after.Record.Calls == 0;
        });
        PropertyRunner.Check(property, 3000, "virtio-ism v2 Dispatch on random requests");
    }
}
