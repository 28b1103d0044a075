using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.VirtioIsm.V2;
using IsmSpec.Virtio.Virtqueue;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>Malformed version-2 controlq input through a real virtqueue: error ack 255, and the device keeps serving.</summary>
public class ChunkAreaMalformedTests
{
    public static TheoryData<string, byte[], DispatchStatus> Cases => new()
    {
        { "truncated header", [1], DispatchStatus.TooShort },
        { "truncated attach", [1, 0, 1, 2, 3, 4, 5, 6, 7, 8], DispatchStatus.BadLength },
        { "v1-length grant", new byte[] { 3, 0 }.Concat(new byte[24]).ToArray(), DispatchStatus.BadLength },
        { "unknown class", [5, 0, 0, 0, 0, 0, 0, 0, 0, 0], DispatchStatus.UnknownCommand },
        { "unknown grant command", new byte[] { 3, 2 }.Concat(new byte[16]).ToArray(), DispatchStatus.UnknownCommand },
        { "oversized", new byte[200], DispatchStatus.BadLength },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    [Trait("Requirement", Ids.Vism2DecAckMap)]
    public async Task Malformed_requests_get_ERR_255_and_the_device_keeps_serving(string what, byte[] request, DispatchStatus expected)
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var reply = await a.Driver.Control.SubmitAsync(request);
        Assert.True(reply is [255], what);
        Assert.Equal(expected, a.Device.LastDispatch);
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecAckMap)]
    public async Task Random_bytes_get_defined_acks_and_never_break_the_device()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var property = Prop.ForAll(
            Gen.Choose(1, 40).SelectMany(n => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n)).ToArbitrary(),
            (byte[] request) =>
            {
                if (request.Length > 1 && request[0] <= 4) request[1] &= 1;     // reach the handlers more often
                var reply = a.Driver.Control.SubmitAsync(request, 256).GetAwaiter().GetResult();
                bool handled = a.Device.LastDispatch == DispatchStatus.Handled;
                return reply.Length >= 1 && VirtioIsmAckInfo.IsDefined((VirtioIsmAck)reply[0])
                    && (handled || reply is [255]) && a.Device.QueueFault == VirtqFault.None;
            });
        PropertyRunner.Check(property, 300, "random v2 controlq bytes");
        Assert.True((await a.Driver.AllocAsync(1)).IsOk || a.Device.LastStatus is Host.IsmStatus.NoSpace or Host.IsmStatus.NoMemory);
    }
}
