using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VhostUser.Backend;
using IsmSpec.VhostUser.Ism;
using IsmSpec.VirtioIsm.Host;

namespace IsmSpec.VhostUser.Tests.Support;

/// <summary>A back-end on a fresh socket in a temp folder, plus helpers that speak virtio-ism commands through guests.</summary>
public sealed class IsmBed : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ismspec-vu-").FullName;

    public IsmBed(IsmHostOptions? host = null, bool allowHostControl = true)
    {
        SocketPath = Path.Combine(_dir, "ism.sock");
        BackEnd = new VhostUserBackEnd(SocketPath, new VhostUserBackEndOptions
        {
            Host = host ?? new IsmHostOptions { RegionCount = 8, RegionSize = 8192, VectorCount = 2 },
            AllowHostControl = allowHostControl,
        });
    }

    public string SocketPath { get; }
    public VhostUserBackEnd BackEnd { get; }

    public VirtioIsmVhostUserGuest Guest(ulong features = VirtioIsmSpec.VirtioIsmFEventVq)
    {
        var g = VirtioIsmVhostUserGuest.Connect(SocketPath);
        Assert.True(g.Negotiate(features));
        return g;
    }

    public static (ulong Token, ulong Offset)? Alloc(VirtioIsmVhostUserGuest g, ulong size)
    {
        var request = new byte[VirtioIsmCtrl.AllocRequestLength];
        VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = size }, out _);
        var reply = g.Exchange(request, VirtioIsmCtrl.AllocReplyLength);
        return VirtioIsmCtrl.TryReadAllocReply(reply, out var ack, out var value) && ack == VirtioIsmCtrl.Ok ? (value.Token, value.Offset) : null;
    }

    public static ulong? Attach(VirtioIsmVhostUserGuest g, ulong token)
    {
        var request = new byte[VirtioIsmCtrl.AttachRequestLength];
        VirtioIsmCtrl.TryWriteAttach(request, new VirtioIsmAttachRequest { Token = token }, out _);
        var reply = g.Exchange(request, VirtioIsmCtrl.AttachReplyLength);
        return VirtioIsmCtrl.TryReadAttachReply(reply, out var ack, out var value) && ack == VirtioIsmCtrl.Ok ? value.Offset : null;
    }

    public static bool Detach(VirtioIsmVhostUserGuest g, ulong offset)
    {
        var request = new byte[VirtioIsmCtrl.DetachRequestLength];
        VirtioIsmCtrl.TryWriteDetach(request, new VirtioIsmDetachRequest { Offset = offset }, out _);
        return VirtioIsmCtrl.TryReadAck(g.Exchange(request, VirtioIsmCtrl.DetachReplyLength), out var ack) && ack == VirtioIsmCtrl.Ok;
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; the back-end tears connections down on its own threads.</summary>
    public static bool Eventually(Func<bool> condition, int ms = 3000)
    {
        long end = Environment.TickCount64 + ms;
        while (!condition()) { if (Environment.TickCount64 > end) return false; Thread.Sleep(5); }
        return true;
    }

    public void Dispose()
    {
        BackEnd.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
