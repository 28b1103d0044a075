using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.VirtioIsm;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>
/// Malformed controlq input through a real virtqueue (<c>ControlQueue.SubmitAsync</c>): truncated, unknown class or
/// command, wrong length, oversized, no reply room, random bytes. Each gets the error ack (or an empty completion when
/// there is no room for one) and the device keeps serving.
/// </summary>
public class MalformedControlqTests
{
    public static TheoryData<string, byte[], DispatchStatus> Cases => new()
    {
        { "truncated header", [0], DispatchStatus.TooShort },
        { "truncated alloc", [0, 0, 1, 2, 3], DispatchStatus.BadLength },
        { "alloc too long", [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9], DispatchStatus.BadLength },
        { "unknown class", [9, 0, 0, 0, 0, 0, 0, 0, 0, 0], DispatchStatus.UnknownCommand },
        { "unknown command", [1, 7, 0, 0, 0, 0, 0, 0, 0, 0], DispatchStatus.UnknownCommand },
        { "oversized", new byte[200], DispatchStatus.BadLength },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    [Trait("Requirement", Ids.VismDecAckValues)]
    public async Task Malformed_requests_get_the_error_ack_and_the_device_keeps_serving(string what, byte[] request, DispatchStatus expected)
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var reply = await a.Driver.Control.SubmitAsync(request);
        Assert.True(reply.Length == 1 && reply[0] == (byte)VirtioIsmAck.Err, what);
        Assert.Equal(expected, a.Device.LastDispatch);
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);
    }

    [Fact]
    public async Task No_reply_room_completes_empty_and_the_device_keeps_serving()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var request = new byte[VirtioIsmCtrl.AllocRequestLength];
        VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = 1 }, out _);
        Assert.Empty(await a.Driver.Control.SubmitAsync(request, replyCapacity: 0));
        Assert.Equal(DispatchStatus.ReplyBufferTooSmall, a.Device.LastDispatch);
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);
    }

    [Fact]
    [Trait("Requirement", Ids.VismDecAckValues)]
    public async Task Random_bytes_never_break_the_device()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var property = Prop.ForAll(
            Gen.Choose(1, 40).SelectMany(n => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n)).ToArbitrary(),
            (byte[] request) =>
            {
                var reply = a.Driver.Control.SubmitAsync(request).GetAwaiter().GetResult();
                bool wellFormed = a.Device.LastDispatch == DispatchStatus.Handled;
                return reply.Length >= 1 && reply[0] <= 1 && (wellFormed || reply[0] == (byte)VirtioIsmAck.Err) && a.Device.QueueFault == Virtio.Virtqueue.VirtqFault.None;
            });
        PropertyRunner.Check(property, 300, "random controlq bytes");
        Assert.True((await a.Driver.AllocAsync(1)).IsOk || a.Device.LastStatus is Host.IsmStatus.NoSpace);
    }
}
