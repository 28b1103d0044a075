using IsmSpec.VirtioIsm.Host;
using V1 = IsmSpec.Specs.VirtioIsm;
using IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.VirtioIsm.Device;

/// <summary>
/// Version-2 (chunk/area, Gen-B) controlq commands, called by the generated <see cref="VirtioIsmCtrl.Dispatch"/> of
/// spec version 2 with decoded requests, over the same region manager and permission model as version 1
/// (VISM2-DEC-SAME-MODEL). Regions are named by token (VISM2-DEC-TOKEN-KEYED); ALLOC and ATTACH list the region's
/// chunks as areas in the reply tail (VISM2-DEC-AREAS); refusals carry errno-like acks (VISM2-DEC-ACK-MAP).
/// Runs on the device's service thread only; allocates nothing.
/// </summary>
internal sealed class ChunkAreaControlHandler : IVirtioIsmCtrlHandler
{
    private const VirtioIsmPerm Rights = VirtioIsmPerm.Read | VirtioIsmPerm.Write | VirtioIsmPerm.Attach | VirtioIsmPerm.Manage;
    private readonly VirtioIsmDevice _device;
    private readonly IsmHost _host;

    public ChunkAreaControlHandler(VirtioIsmDevice device, IsmHost host)
    {
        _device = device;
        _host = host;
    }

    /// <summary>Reply bytes the device needs at most: ack, ALLOC's fixed part, one area per chunk of a region.</summary>
    public static int MaxReplyBytes(int chunksPerSlot) => VirtioIsmCtrl.AllocReplyLength + chunksPerSlot * VirtioIsmArea.Size;

    public IsmStatus LastStatus { get; private set; }

    public VirtioIsmAck Alloc(in VirtioIsmAllocRequest request, ref VirtioIsmAllocReply reply, Span<byte> replyTail, out int replyTailLength)
    {
        replyTailLength = 0;
        var status = _host.AllocChunks(_device.Devid, request.SizeField, replyTail.Length / VirtioIsmArea.Size, out ulong token, out int slot, out int areas);
        if (status != IsmStatus.Ok) return Ack(status);
        reply.Token = token;
        reply.Num = (ulong)areas;
        for (int i = 0; i < areas; i++) VirtioIsmAllocReply.SetArea(replyTail, i, Area(slot, i));
        replyTailLength = areas * VirtioIsmArea.Size;
        return Ack(status);
    }

    // rw_perm: only READ/WRITE, checked against the grants at attach (VISM2-DEC-ATTACH-RW-PERM); pad must be zero.
    public VirtioIsmAck Attach(in VirtioIsmAttachRequest request, ref VirtioIsmAttachReply reply, Span<byte> replyTail, out int replyTailLength)
    {
        replyTailLength = 0;
        const uint readWrite = (uint)(VirtioIsmPerm.Read | VirtioIsmPerm.Write);
        if (!request.Validate(out _) || (request.RwPerm & ~readWrite) != 0) return Ack(IsmStatus.BadArgument);
        var status = _host.AttachChunks(_device.Devid, request.Token, (V1.VirtioIsmPerm)request.RwPerm, replyTail.Length / VirtioIsmArea.Size, out int slot, out int areas);
        if (status != IsmStatus.Ok) return Ack(status);
        reply.Num = (ulong)areas;
        for (int i = 0; i < areas; i++) VirtioIsmAttachReply.SetArea(replyTail, i, Area(slot, i));
        replyTailLength = areas * VirtioIsmArea.Size;
        return Ack(status);
    }

    // VISM-DEC-DETACH-OWN carried over: only a device holding a reference to the token's region may detach it.
    public VirtioIsmAck Detach(in VirtioIsmDetachRequest request)
    {
        if (!_host.TryHeldByToken(_device.Devid, request.Token, out int slot)) return Ack(IsmStatus.UnknownOffset);
        var status = _host.Detach(_device.Devid, slot);
        if (status == IsmStatus.Ok) _device.Router.UnbindVector(slot);
        return Ack(status);
    }

    public VirtioIsmAck GrantSetDefault(in VirtioIsmGrantDefaultRequest request) => Grant(request.Token, 0, request.Permissions);

    // peer_devid 0 is not a device: the default has its own command (VISM2-DEC-GRANT-SPLIT).
    public VirtioIsmAck GrantSetForDevice(in VirtioIsmGrantRequest request) =>
        request.PeerDevid == 0 ? Ack(IsmStatus.BadArgument) : Grant(request.Token, request.PeerDevid, request.Permissions);

    // Always available: version 2 has no feature bits (VISM2-DEC-EVENT-VECTOR).
    public VirtioIsmAck EventVector(in VirtioIsmEventVectorRequest request)
    {
        if (!_host.TryHeldByToken(_device.Devid, request.Token, out int slot)) return Ack(IsmStatus.UnknownOffset);
        if (request.Vector >= (ulong)_device.Vectors.Count) return Ack(IsmStatus.BadArgument);
        _device.Router.BindVector(slot, (int)request.Vector);
        return Ack(IsmStatus.Ok);
    }

    private VirtioIsmAck Grant(ulong token, ulong peer, VirtioIsmPerm permissions)
    {
        if (!VirtioIsmPermInfo.IsDefined(permissions)) return Ack(IsmStatus.BadArgument);
        if (!_host.TryHeldByToken(_device.Devid, token, out int slot)) return Ack(IsmStatus.UnknownOffset);
        bool clean = (permissions & VirtioIsmPerm.CleanDefault) != 0;
        var status = _host.Assign(_device.Devid, slot, peer, (V1.VirtioIsmPerm)(permissions & Rights), clean);
        LastStatus = status;
        return status == IsmStatus.NotPermitted ? VirtioIsmAck.Err : ChunkAreaAcks.From(status);   // no MANAGE: ERR
    }

    private VirtioIsmArea Area(int slot, int index) =>
        new() { Offset = _host.SlotOffset(slot) + (ulong)index * _host.ChunkSize, SizeField = _host.ChunkSize };

    private VirtioIsmAck Ack(IsmStatus status)
    {
        LastStatus = status;
        return ChunkAreaAcks.From(status);
    }
}

/// <summary>
/// IsmSpec's mapping of refusal reasons to the version-2 acks (VISM2-DEC-ACK-MAP). GRANT without MANAGE is mapped to
/// ERR by the handler (Gen-B has no ack for it); malformed requests get ERR from the generated dispatcher.
/// </summary>
public static class ChunkAreaAcks
{
    public static VirtioIsmAck From(IsmStatus status) => status switch
    {
        IsmStatus.Ok => VirtioIsmAck.Ok,
        IsmStatus.UnknownToken or IsmStatus.UnknownOffset => VirtioIsmAck.Enoent,
        IsmStatus.TooLarge => VirtioIsmAck.E2Big,
        IsmStatus.NoMemory => VirtioIsmAck.Enomem,
        IsmStatus.NoSpace or IsmStatus.TableFull => VirtioIsmAck.Enospec,
        IsmStatus.NotPermitted or IsmStatus.Exclusive => VirtioIsmAck.PermEattach,
        IsmStatus.NoReadRight => VirtioIsmAck.PermEread,
        IsmStatus.NoWriteRight => VirtioIsmAck.PermEwrite,
        _ => VirtioIsmAck.Err,       // AlreadyAttached, BadArgument, ReplyTooSmall, FeatureNotNegotiated
    };
}
