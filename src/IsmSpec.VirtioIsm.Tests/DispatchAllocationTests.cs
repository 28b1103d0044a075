using IsmSpec.Specs.Virtio;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VirtioIsm.Host;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>
/// Steady-state controlq dispatch allocates 0 bytes per command on the device side: two devices without service
/// threads, a synchronous raw driver, and GC.GetAllocatedBytesForCurrentThread around each device Poll only.
/// </summary>
public class DispatchAllocationTests
{
    [Fact]
    public void Steady_state_dispatch_allocates_nothing()
    {
        using var host = new IsmHost(IsmBed.Options());
        const ulong features = VirtioSpec.VirtioFVersion1 | VirtioSpec.VirtioFEventIdx | VirtioIsmSpec.VirtioIsmFEventIrq;
        var a = new RawGuest(host, features);
        var b = new RawGuest(host, features);
        var requestBuffer = new byte[32];
        var replyBuffer = new byte[64];

        long Cycle(int cycle)
        {
            long bytes = 0;
            Span<byte> request = requestBuffer, reply = replyBuffer;
            VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = 100 }, out int n);
            bytes += a.Send(request[..n], out byte ack, reply);
            Assert.Equal(0, ack);
            VirtioIsmCtrl.TryReadAllocReply(reply, out _, out var alloc);
            VirtioIsmCtrl.TryWriteGrant(request, new VirtioIsmGrantRequest { Offset = alloc.Offset, PeerDevid = 0, Permissions = VirtioIsmPerm.Read | VirtioIsmPerm.Write | VirtioIsmPerm.Attach }, out n);
            bytes += a.Send(request[..n], out ack, reply);
            Assert.Equal(0, ack);
            VirtioIsmCtrl.TryWriteEventVector(request, new VirtioIsmEventVectorRequest { Offset = alloc.Offset, Vector = 1 }, out n);
            bytes += a.Send(request[..n], out ack, reply);
            Assert.Equal(0, ack);
            VirtioIsmCtrl.TryWriteAttach(request, new VirtioIsmAttachRequest { Token = alloc.Token }, out n);
            bytes += b.Send(request[..n], out ack, reply);
            Assert.Equal(0, ack);
            bytes += b.Send(request[..1], out ack, reply);            // malformed: error path too
            Assert.Equal(1, ack);
            VirtioIsmCtrl.TryWriteDetach(request, new VirtioIsmDetachRequest { Offset = alloc.Offset }, out n);
            bytes += b.Send(request[..n], out ack, reply);
            bytes += a.Send(request[..n], out ack, reply);
            Assert.Equal(0, ack);
            return bytes;
        }

        for (int i = 0; i < 300; i++) Cycle(i);                      // warm-up and tier-up
        Thread.Sleep(150);
        for (int i = 0; i < 100; i++) Cycle(i);
        long best = long.MaxValue;
        for (int attempt = 0; attempt < 3 && best > 0; attempt++)
        {
            long total = 0;
            for (int i = 0; i < 200; i++) total += Cycle(i);
            best = Math.Min(best, total);
        }
        Assert.True(best == 0, $"{best} bytes allocated over 1,400 device-side commands");
    }
}
