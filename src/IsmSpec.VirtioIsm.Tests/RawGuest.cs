using IsmSpec.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Virtqueue;
using IsmSpec.VirtioIsm.Device;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>
/// A device without a service thread and a synchronous raw driver: each <see cref="Send"/> puts one command on the
/// controlq, runs one device <c>Poll</c> and returns the bytes the device side allocated meanwhile.
/// </summary>
internal sealed class RawGuest
{
    public const int ReplyBytes = 256;
    public readonly VirtioIsmDevice Device;
    private readonly VirtqDriver _queue;
    private readonly IGuestMemory _memory;
    private readonly ulong _req, _rep;

    public RawGuest(IsmHost host, ulong features, IsmProtocol protocol = IsmProtocol.Region)
    {
        Device = host.CreateDevice(protocol);
        var port = new LocalPort(Device);
        ulong negotiated = VirtioDriverHandshake.Negotiate(port, features)!.Value;
        _memory = port.GuestMemory;
        var allocator = new GuestAllocator(_memory);
        var layout = VirtqLayout.Allocate(allocator, 8);
        _req = allocator.Allocate(64);
        _rep = allocator.Allocate(ReplyBytes);
        _queue = new VirtqDriver(_memory, layout, negotiated, port.Doorbell);
        port.SetQueue(0, layout);
        VirtioDriverHandshake.Finish(port);
    }

    /// <summary>Sends one command with <paramref name="replyRoom"/> bytes of reply room; returns the device-side bytes allocated.</summary>
    public long Send(ReadOnlySpan<byte> request, out byte ack, Span<byte> reply, uint replyRoom = 64)
    {
        request.CopyTo(_memory.Get(_req, (uint)request.Length));
        _queue.TryAdd([new VirtqBuffer(_req, (uint)request.Length)], [new VirtqBuffer(_rep, replyRoom)], out _);
        _queue.Kick();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Device.Poll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(_queue.TryGetUsed(out _, out uint length));
        _memory.Get(_rep, length).CopyTo(reply);
        ack = reply[0];
        return allocated;
    }
}
