using IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>The version-2 controlq commands of <see cref="ChunkAreaDriver"/>, built and read with the generated codecs.</summary>
public sealed partial class ChunkAreaDriver
{
    /// <summary>Reply room the driver offers for ALLOC and ATTACH (the area list grows with the region).</summary>
    public const int AreaReplyCapacity = ControlQueue.BufferBytes;

    /// <summary>ALLOC: a new region; the reply lists its areas.</summary>
    public async Task<ChunkAreaResult<ChunkAreaRegion>> AllocAsync(ulong size)
    {
        var request = new byte[VirtioIsmCtrl.AllocRequestLength];
        VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = size }, out _);
        var reply = await Control.SubmitAsync(request, AreaReplyCapacity).ConfigureAwait(false);
        var error = ReadAlloc(reply, out var ack, out ulong token, out var areas);
        return await RegionResultAsync("ALLOC", ack, error, token, areas, allocated: true).ConfigureAwait(false);
    }

    /// <summary>ATTACH by token asking for <paramref name="rwPerm"/> (READ and/or WRITE).</summary>
    public async Task<ChunkAreaResult<ChunkAreaRegion>> AttachAsync(ulong token, VirtioIsmPerm rwPerm = VirtioIsmPerm.Read | VirtioIsmPerm.Write)
    {
        var request = new byte[VirtioIsmCtrl.AttachRequestLength];
        VirtioIsmCtrl.TryWriteAttach(request, new VirtioIsmAttachRequest { Token = token, RwPerm = (uint)rwPerm }, out _);
        var reply = await Control.SubmitAsync(request, AreaReplyCapacity).ConfigureAwait(false);
        var error = ReadAttach(reply, out var ack, out var areas);
        return await RegionResultAsync("ATTACH", ack, error, token, areas, allocated: false).ConfigureAwait(false);
    }

    public async Task<ChunkAreaResult> DetachAsync(ChunkAreaRegion region)
    {
        if (region.Detached || !_regions.TryGetValue(region.Token, out var mine) || mine != region)
            return new ChunkAreaResult("DETACH", VirtioIsmAck.Ok, IsmError.InvalidArgument);
        var result = await DetachTokenAsync(region.Token).ConfigureAwait(false);
        if (result.IsOk)
        {
            region.Detached = true;
            _regions.TryRemove(region.Token, out _);
        }
        return result;
    }

    /// <summary>DETACH of a raw token (tests of the device's checks).</summary>
    public Task<ChunkAreaResult> DetachTokenAsync(ulong token)
    {
        var request = new byte[VirtioIsmCtrl.DetachRequestLength];
        VirtioIsmCtrl.TryWriteDetach(request, new VirtioIsmDetachRequest { Token = token }, out _);
        return SendAsync("DETACH", request);
    }

    /// <summary>GRANT_SET_DEFAULT (3,0): rights of devices without their own entry.</summary>
    public Task<ChunkAreaResult> GrantSetDefaultAsync(ulong token, VirtioIsmPerm permissions)
    {
        var request = new byte[VirtioIsmCtrl.GrantSetDefaultRequestLength];
        VirtioIsmCtrl.TryWriteGrantSetDefault(request, new VirtioIsmGrantDefaultRequest { Token = token, Permissions = permissions }, out _);
        return SendAsync("GRANT_SET_DEFAULT", request);
    }

    /// <summary>GRANT_SET_FOR_DEVICE (3,1): one device's rights (wire order token, permissions, peer_devid).</summary>
    public Task<ChunkAreaResult> GrantSetForDeviceAsync(ulong token, ulong peerDevid, VirtioIsmPerm permissions)
    {
        var request = new byte[VirtioIsmCtrl.GrantSetForDeviceRequestLength];
        VirtioIsmCtrl.TryWriteGrantSetForDevice(request, new VirtioIsmGrantRequest { Token = token, Permissions = permissions, PeerDevid = peerDevid }, out _);
        return SendAsync("GRANT_SET_FOR_DEVICE", request);
    }

    public Task<ChunkAreaResult> EventVectorAsync(ulong token, ulong vector)
    {
        var request = new byte[VirtioIsmCtrl.EventVectorRequestLength];
        VirtioIsmCtrl.TryWriteEventVector(request, new VirtioIsmEventVectorRequest { Token = token, Vector = vector }, out _);
        return SendAsync("EVENT_VECTOR", request);
    }

    private async Task<ChunkAreaResult> SendAsync(string command, byte[] request)
    {
        var reply = await Control.SubmitAsync(request, VirtioIsmCtrl.AckSize).ConfigureAwait(false);
        if (!VirtioIsmCtrl.TryReadAck(reply, out var ack)) return new ChunkAreaResult(command, ack, IsmError.MalformedReply);
        return new ChunkAreaResult(command, ack, ack == VirtioIsmCtrl.Ok ? IsmError.None : IsmError.Refused);
    }

    private async Task<ChunkAreaResult<ChunkAreaRegion>> RegionResultAsync(string command, VirtioIsmAck ack, IsmError error, ulong token, VirtioIsmArea[] areas, bool allocated)
    {
        if (error != IsmError.None) return new(null, command, ack, error);
        var region = new ChunkAreaRegion(this, token, areas, allocated);
        _regions[token] = region;
        if (Options.Vectors > 0)
        {
            int vector = (int)((region.Offset >> _chunkShift) % (ulong)Options.Vectors);
            if ((await EventVectorAsync(token, (ulong)vector).ConfigureAwait(false)).IsOk) region.Vector = vector;
        }
        return new(region, command, ack, IsmError.None);
    }

    private IsmError ReadAlloc(byte[] reply, out VirtioIsmAck ack, out ulong token, out VirtioIsmArea[] areas)
    {
        token = 0;
        areas = [];
        if (!VirtioIsmCtrl.TryReadAllocReply(reply, out ack, out var value, out var tail)) return IsmError.MalformedReply;
        if (ack != VirtioIsmCtrl.Ok) return IsmError.Refused;
        token = value.Token;
        return ReadAreas(value.Num, tail, out areas);
    }

    private IsmError ReadAttach(byte[] reply, out VirtioIsmAck ack, out VirtioIsmArea[] areas)
    {
        areas = [];
        if (!VirtioIsmCtrl.TryReadAttachReply(reply, out ack, out var value, out var tail)) return IsmError.MalformedReply;
        if (ack != VirtioIsmCtrl.Ok) return IsmError.Refused;
        return ReadAreas(value.Num, tail, out areas);
    }

    // A reply must list at least one area, each non-empty and inside the REGIONS memory.
    private IsmError ReadAreas(ulong num, ReadOnlySpan<byte> tail, out VirtioIsmArea[] areas)
    {
        areas = [];
        if (num == 0 || num > (ulong)(tail.Length / VirtioIsmArea.Size)) return IsmError.MalformedReply;
        var list = new VirtioIsmArea[num];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = VirtioIsmAllocReply.GetArea(tail, i);
            if (list[i].SizeField == 0 || list[i].Offset > RegionsLength || list[i].SizeField > RegionsLength - list[i].Offset) return IsmError.MalformedReply;
        }
        areas = list;
        return IsmError.None;
    }
}
