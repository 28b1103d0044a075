using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>The controlq commands of <see cref="VirtioIsmDriver"/>, built and read with the generated codecs.</summary>
public sealed partial class VirtioIsmDriver
{
    /// <summary>ALLOC (draft "Commands"): a new region of at most region_size bytes, with a token to hand to a peer.</summary>
    public async Task<IsmResult<IsmRegion>> AllocAsync(ulong size)
    {
        var request = new byte[VirtioIsmCtrl.AllocRequestLength];
        VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = size }, out _);
        var reply = await Control.SubmitAsync(request, VirtioIsmCtrl.AllocReplyLength).ConfigureAwait(false);
        if (!VirtioIsmCtrl.TryReadAllocReply(reply, out var ack, out var value)) return Failed("ALLOC", ack, IsmError.MalformedReply);
        if (ack != VirtioIsmCtrl.Ok) return Failed("ALLOC", ack, IsmError.Refused);
        var region = await AddRegionAsync(value.Token, value.Offset, size, allocated: true).ConfigureAwait(false);
        return new IsmResult<IsmRegion>(region, "ALLOC", ack, IsmError.None);
    }

    /// <summary>ATTACH by token; the region's size is region_size (the draft's reply carries only the offset).</summary>
    public async Task<IsmResult<IsmRegion>> AttachAsync(ulong token)
    {
        var request = new byte[VirtioIsmCtrl.AttachRequestLength];
        VirtioIsmCtrl.TryWriteAttach(request, new VirtioIsmAttachRequest { Token = token }, out _);
        var reply = await Control.SubmitAsync(request, VirtioIsmCtrl.AttachReplyLength).ConfigureAwait(false);
        if (!VirtioIsmCtrl.TryReadAttachReply(reply, out var ack, out var value)) return Failed("ATTACH", ack, IsmError.MalformedReply);
        if (ack != VirtioIsmCtrl.Ok) return Failed("ATTACH", ack, IsmError.Refused);
        var region = await AddRegionAsync(token, value.Offset, RegionSize, allocated: false).ConfigureAwait(false);
        return new IsmResult<IsmRegion>(region, "ATTACH", ack, IsmError.None);
    }

    /// <summary>DETACH: drops this guest's reference; its views stop working.</summary>
    public async Task<IsmResult> DetachAsync(IsmRegion region)
    {
        if (region.Detached || !_regions.TryGetValue(region.Offset, out var mine) || mine != region)
            return new IsmResult("DETACH", VirtioIsmAck.Ok, IsmError.InvalidArgument);
        var result = await DetachOffsetAsync(region.Offset).ConfigureAwait(false);
        if (result.IsOk)
        {
            region.Detached = true;
            _regions.TryRemove(region.Offset, out _);
        }
        return result;
    }

    /// <summary>DETACH of a raw offset (for tests of the device's checks).</summary>
    public async Task<IsmResult> DetachOffsetAsync(ulong offset)
    {
        var request = new byte[VirtioIsmCtrl.DetachRequestLength];
        VirtioIsmCtrl.TryWriteDetach(request, new VirtioIsmDetachRequest { Offset = offset }, out _);
        return AckOnly("DETACH", await Control.SubmitAsync(request, VirtioIsmCtrl.DetachReplyLength).ConfigureAwait(false));
    }

    /// <summary>GRANT: peer_devid 0 sets the default rights, another devid that device's rights (draft "Permissions").</summary>
    public Task<IsmResult> GrantAsync(IsmRegion region, ulong peerDevid, VirtioIsmPerm permissions) => GrantOffsetAsync(region.Offset, peerDevid, permissions);

    public async Task<IsmResult> GrantOffsetAsync(ulong offset, ulong peerDevid, VirtioIsmPerm permissions)
    {
        var request = new byte[VirtioIsmCtrl.GrantRequestLength];
        VirtioIsmCtrl.TryWriteGrant(request, new VirtioIsmGrantRequest { Offset = offset, PeerDevid = peerDevid, Permissions = permissions }, out _);
        return AckOnly("GRANT", await Control.SubmitAsync(request, VirtioIsmCtrl.GrantReplyLength).ConfigureAwait(false));
    }

    /// <summary>EVENT_VECTOR (draft statement 11): bind a region to an interrupt vector.</summary>
    public async Task<IsmResult> EventVectorAsync(ulong offset, ulong vector)
    {
        var request = new byte[VirtioIsmCtrl.EventVectorRequestLength];
        VirtioIsmCtrl.TryWriteEventVector(request, new VirtioIsmEventVectorRequest { Offset = offset, Vector = vector }, out _);
        return AckOnly("EVENT_VECTOR", await Control.SubmitAsync(request, VirtioIsmCtrl.EventVectorReplyLength).ConfigureAwait(false));
    }

    private async Task<IsmRegion> AddRegionAsync(ulong token, ulong offset, ulong size, bool allocated)
    {
        var region = new IsmRegion(this, token, offset, size, allocated);
        _regions[offset] = region;
        // Statement 11 (VISM-INIT-DRV-EVENT-VECTOR): with EVENT_IRQ, every region gets its vector.
        if ((NegotiatedFeatures & VirtioIsmSpec.VirtioIsmFEventIrq) != 0 && Options.Vectors > 0)
        {
            int vector = (int)(offset / RegionSize % (ulong)Options.Vectors);
            if ((await EventVectorAsync(offset, (ulong)vector).ConfigureAwait(false)).IsOk) region.Vector = vector;
        }
        return region;
    }

    private static IsmResult AckOnly(string command, byte[] reply)
    {
        if (!VirtioIsmCtrl.TryReadAck(reply, out var ack)) return new IsmResult(command, ack, IsmError.MalformedReply);
        return new IsmResult(command, ack, ack == VirtioIsmCtrl.Ok ? IsmError.None : IsmError.Refused);
    }

    private static IsmResult<IsmRegion> Failed(string command, VirtioIsmAck ack, IsmError error) => new(null, command, ack, error);
}
