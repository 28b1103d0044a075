using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs.Tests.Support;
using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.Codecs.Tests;

/// <summary>
/// The generated virtio-ism version 1 controlq dispatcher (research/virtio-ism-v1-draft.md "Control virtqueue
/// framing": u8 class, u8 command, data; reply u8 ack, reply data) driven with a struct handler passed by ref.
/// </summary>
public class VirtioIsmV1DispatchTests
{
    private const byte Err = (byte)VirtioIsmAck.Err;

    public static TheoryData<string> CommandNames => new(VirtioIsmCtrl.Commands.Select(c => c.Name));

    private static CommandDescriptor Command(string name) => VirtioIsmCtrl.Commands.Single(c => c.Name == name);

    private static byte[] Frame(CommandDescriptor command, int payloadLength = -1)
    {
        var request = new byte[VirtioIsmCtrl.HeaderSize + (payloadLength < 0 ? command.RequestSize : payloadLength)];
        request[0] = (byte)command.Class;
        request[1] = (byte)command.Code;
        for (int i = 2; i < request.Length; i++) request[i] = (byte)(i * 7);
        return request;
    }

    private static byte[] Raw(byte cls, byte command, int payloadLength) =>
        new[] { cls, command }.Concat(new byte[payloadLength]).ToArray();

    private static (int Written, DispatchStatus Status, byte[] Reply, V1Handler Handler) Run(byte[] request, int replyLength = 64, VirtioIsmAck ack = VirtioIsmAck.Ok)
    {
        var handler = new V1Handler { Ack = ack };
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
        var (written, status, reply, handler) = Run(request);

        Assert.Equal(DispatchStatus.Handled, status);
        Assert.Equal((1, name), (handler.Record.Calls, handler.Record.Last));
        Assert.Equal(request[2..], handler.Record.SeenBytes());
        Assert.Equal(1 + command.ReplySize, written);
        var expected = new byte[1 + command.ReplySize];
        CallRecord.FillPattern(expected.AsSpan(1));
        Assert.Equal(expected, reply[..written]);
        Assert.All(reply[written..], b => Assert.Equal(0xCC, b));
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void A_handler_error_sends_its_ack_alone(string name)
    {
        var (written, status, reply, handler) = Run(Frame(Command(name)), ack: VirtioIsmAck.Err);
        Assert.Equal((DispatchStatus.Handled, 1, 1), (status, written, handler.Record.Calls));
        Assert.Equal(Err, reply[0]);
    }

    [Fact]
    public void Builders_dispatcher_and_reply_reader_agree_on_alloc()
    {
        var request = new byte[VirtioIsmCtrl.AllocRequestLength];
        Assert.True(VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = 0x4000 }, out _));
        var (written, _, reply, handler) = Run(request);
        Assert.Equal(0x4000UL, Bytes.Read<VirtioIsmAllocRequest>(handler.Record.SeenBytes()).SizeField);
        Assert.True(VirtioIsmCtrl.TryReadAllocReply(reply.AsSpan(0, written), out var ack, out var value));
        Assert.Equal(VirtioIsmAck.Ok, ack);
        Assert.Equal(0x4746454443424140UL, value.Token); // the handler's pattern, little-endian
    }

    public static TheoryData<string, byte[], int, DispatchStatus> Malformed => new()
    {
        { "empty request", Array.Empty<byte>(), 64, DispatchStatus.TooShort },
        { "class byte only", new byte[] { 0 }, 64, DispatchStatus.TooShort },
        { "alloc one byte short", Frame(Command("alloc"), 7), 64, DispatchStatus.BadLength },
        { "alloc header only", Frame(Command("alloc"), 0), 64, DispatchStatus.BadLength },
        { "alloc one byte over", Frame(Command("alloc"), 9), 64, DispatchStatus.BadLength },
        { "grant twice as long", Frame(Command("grant"), 48), 64, DispatchStatus.BadLength },
        { "unknown class 5", Raw(5, 0, 8), 64, DispatchStatus.UnknownCommand },
        { "unknown command 1 of class 0", Raw(0, 1, 8), 64, DispatchStatus.UnknownCommand },
        { "grant_set_for_device is version 2 only", Raw(3, 1, 24), 64, DispatchStatus.UnknownCommand },
        { "alloc reply buffer one byte short", Frame(Command("alloc")), 16, DispatchStatus.ReplyBufferTooSmall },
        { "attach reply buffer one byte short", Frame(Command("attach")), 8, DispatchStatus.ReplyBufferTooSmall },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_request_gets_the_error_ack_alone_and_the_handler_is_not_called(string why, byte[] request, int replyLength, DispatchStatus expected)
    {
        var (written, status, reply, handler) = Run(request, replyLength);
        Assert.True(expected == status, $"{why}: {status}");
        Assert.Equal(1, written);
        Assert.Equal(Err, reply[0]);
        Assert.All(reply[1..], b => Assert.Equal(0xCC, b));
        Assert.Equal(0, handler.Record.Calls);
    }

    [Fact]
    public void An_empty_reply_buffer_gets_nothing_and_the_handler_is_not_called()
    {
        var (written, status, _, handler) = Run(Frame(Command("detach")), replyLength: 0);
        Assert.Equal((0, DispatchStatus.ReplyBufferTooSmall, 0), (written, status, handler.Record.Calls));
    }

    [Fact]
    public void Random_requests_never_throw_and_always_get_a_well_formed_reply()
    {
        var header = Gen.Zip(Gen.Choose(0, 6), Gen.Choose(0, 2));
        var payload = Gen.Choose(0, 30).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));
        var framed = Gen.Zip(header, payload).Select(t => new[] { (byte)t.Item1.Item1, (byte)t.Item1.Item2 }.Concat(t.Item2).ToArray());
        var anyBytes = Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));
        var cases = Gen.Zip(Gen.Frequency((3, framed), (1, anyBytes)), Gen.Zip(Gen.Choose(0, 40), Gen.Elements(VirtioIsmAck.Ok, VirtioIsmAck.Err)));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (request, (replyLength, ack)) = c;
            var (written, status, reply, handler) = Run(request, replyLength, ack);
            Assert.InRange(written, 0, replyLength);
            if (replyLength == 0) return written == 0 && handler.Record.Calls == 0;
            if (status != DispatchStatus.Handled) return written == 1 && reply[0] == Err && handler.Record.Calls == 0;
            return handler.Record.Calls == 1 && reply[0] == (byte)ack && (ack == VirtioIsmAck.Ok || written == 1);
        });
        PropertyRunner.Check(property, 3000, "virtio-ism v1 Dispatch on random requests");
    }
}
