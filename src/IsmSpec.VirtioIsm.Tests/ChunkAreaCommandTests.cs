using IsmSpec.Specs.VirtioIsm.V2;
using IsmSpec.VirtioIsm.Host;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>Version-2 ALLOC, ATTACH and DETACH: area replies, token keys, rw_perm and the v2 ack codes.</summary>
public class ChunkAreaCommandTests
{
    private const ulong Chunk = ChunkAreaBed.Chunk;

    private static async Task<byte[]> RawAlloc(ChunkGuest g, ulong size, int room = 256)
    {
        var request = new byte[VirtioIsmCtrl.AllocRequestLength];
        VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = size }, out _);
        return await g.Driver.Control.SubmitAsync(request, room);
    }

    private static async Task<VirtioIsmAck> RawAttach(ChunkGuest g, ulong token, uint rwPerm, uint pad = 0)
    {
        var request = new byte[VirtioIsmCtrl.AttachRequestLength];
        VirtioIsmCtrl.TryWriteAttach(request, new VirtioIsmAttachRequest { Token = token, RwPerm = rwPerm }, out _);
        request[VirtioIsmCtrl.HeaderSize + 12] = (byte)pad;
        return (VirtioIsmAck)(await g.Driver.Control.SubmitAsync(request, 256))[0];
    }

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(1UL, 1)]
    [InlineData(Chunk, 1)]
    [InlineData(Chunk + 1, 2)]
    [InlineData(3 * Chunk, 3)]
    [InlineData(IsmBed.RegionSize, 4)]
    [Trait("Requirement", Ids.Vism2DecAreas)]
    public async Task Alloc_and_attach_list_one_area_per_chunk_decoded_with_the_generated_readers(ulong size, int expected)
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var reply = await RawAlloc(a, size);
        var (alloc, areas) = DecodeAlloc(reply, expected);
        Assert.Equal(0UL, areas[0].Offset % IsmBed.RegionSize);
        for (int i = 0; i < expected; i++) Assert.Equal((areas[0].Offset + (ulong)i * Chunk, Chunk), (areas[i].Offset, areas[i].SizeField));

        var request = new byte[VirtioIsmCtrl.AttachRequestLength];
        VirtioIsmCtrl.TryWriteAttach(request, new VirtioIsmAttachRequest { Token = alloc.Token, RwPerm = (uint)VirtioIsmPerm.Read }, out _);
        var attachReply = await b.Driver.Control.SubmitAsync(request, 256);
        Assert.True(VirtioIsmCtrl.TryReadAttachReply(attachReply, out var ack, out var attach, out var attachTail));
        Assert.Equal((VirtioIsmAck.Ok, alloc.Num), (ack, attach.Num));
        for (int i = 0; i < expected; i++) Assert.Equal(areas[i], VirtioIsmAttachReply.GetArea(attachTail, i));   // same list
    }

    private static (VirtioIsmAllocReply, VirtioIsmArea[]) DecodeAlloc(byte[] reply, int expected)
    {
        Assert.True(VirtioIsmCtrl.TryReadAllocReply(reply, out var ack, out var alloc, out var tail));
        Assert.Equal(VirtioIsmAck.Ok, ack);
        Assert.Equal((ulong)expected, alloc.Num);
        Assert.Equal(VirtioIsmCtrl.AllocReplyLength + expected * VirtioIsmArea.Size, reply.Length);
        var areas = new VirtioIsmArea[expected];
        for (int i = 0; i < expected; i++) areas[i] = VirtioIsmAllocReply.GetArea(tail, i);
        return (alloc, areas);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecAreas)]
    [Trait("Requirement", Ids.Vism2DecSameModel)]
    public async Task The_driver_maps_the_areas_and_peers_share_the_bytes()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(2 * Chunk + 10)).Value;
        Assert.Equal(3, region.Areas.Count);
        Assert.True(region.IsContiguous);
        Assert.Equal(3 * Chunk, region.Size);
        Assert.All(region.ReadOnlyChunks, c => Assert.True(c.Span.IndexOfAnyExcept((byte)0) < 0));   // zeroed
        Assert.NotEqual(0UL, region.Token);
        var peer = (await b.Driver.AttachAsync(region.Token)).Value;
        "chunk two"u8.CopyTo(peer.Chunks[2].Span);
        Assert.True(region.Memory.Span.Slice((int)(2 * Chunk), 9).SequenceEqual("chunk two"u8));
        // reset releases every reference (version-1 rule kept)
        b.Port.Status = 0;
        Assert.Equal(0, bed.Host.ReferencesOf(b.Devid));
        Assert.Throws<UnauthorizedAccessException>(() => peer.Memory.Span[0] = 1);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecAckMap)]
    [Trait("Requirement", Ids.Vism2DecAreas)]
    public async Task Alloc_refusals_carry_E2BIG_ENOSPEC_ENOMEM_and_a_short_reply_buffer_gets_ERR()
    {
        await using var bed = new ChunkAreaBed(IsmBed.Options(regions: 3) with { MemoryBudget = 2 * IsmBed.RegionSize, MaxReferencesPerDevice = 2 });
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        Assert.Equal(VirtioIsmAck.E2Big, (await a.Driver.AllocAsync(IsmBed.RegionSize + 1)).Ack);
        Assert.Equal(IsmStatus.TooLarge, a.Device.LastStatus);
        var small = await RawAlloc(a, 3 * Chunk, room: VirtioIsmCtrl.AllocReplyLength + 2 * VirtioIsmArea.Size);
        Assert.Equal([(byte)VirtioIsmAck.Err], small);
        Assert.Equal(0, bed.Host.RegionsInUse);                          // nothing was allocated
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);
        Assert.Equal(VirtioIsmAck.Enospec, (await a.Driver.AllocAsync(1)).Ack);   // a's window is full
        Assert.Equal(VirtioIsmAck.Enomem, (await b.Driver.AllocAsync(1)).Ack);    // budget of two regions
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecAttachRwPerm)]
    [Trait("Requirement", Ids.Vism2DecAckMap)]
    public async Task Attach_checks_rw_perm_against_the_grants()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        const uint r = (uint)VirtioIsmPerm.Read, w = (uint)VirtioIsmPerm.Write;
        (await region.GrantDefaultAsync(VirtioIsmPerm.Read | VirtioIsmPerm.Attach)).ThrowIfFailed();
        Assert.Equal(VirtioIsmAck.PermEwrite, await RawAttach(b, region.Token, r | w));
        (await region.GrantDefaultAsync(VirtioIsmPerm.Write | VirtioIsmPerm.Attach)).ThrowIfFailed();
        Assert.Equal(VirtioIsmAck.PermEread, await RawAttach(b, region.Token, r));
        (await region.GrantDefaultAsync(VirtioIsmPerm.Read | VirtioIsmPerm.Write)).ThrowIfFailed();
        Assert.Equal(VirtioIsmAck.PermEattach, await RawAttach(b, region.Token, 0));
        (await region.GrantDefaultAsync(VirtioIsmPerm.Read | VirtioIsmPerm.Write | VirtioIsmPerm.Attach)).ThrowIfFailed();
        Assert.Equal(VirtioIsmAck.Err, await RawAttach(b, region.Token, (uint)VirtioIsmPerm.Attach));   // only READ/WRITE
        Assert.Equal(VirtioIsmAck.Err, await RawAttach(b, region.Token, r, pad: 1));                   // reserved pad
        Assert.Equal(0, bed.Host.ReferencesOf(b.Devid));
        // rw_perm is checked at attach only: a READ attach may still write while the grants allow it
        var peer = (await b.Driver.AttachAsync(region.Token, VirtioIsmPerm.Read)).Value;
        peer.Memory.Span[0] = 7;
        Assert.Equal(7, region.ReadOnlyMemory.Span[0]);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecAckMap)]
    [Trait("Requirement", Ids.Vism2DecSameModel)]
    public async Task Attach_refusals_carry_ENOENT_PERM_EATTACH_and_ERR()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var c = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        Assert.Equal(VirtioIsmAck.Enoent, (await b.Driver.AttachAsync(region.Token ^ 1)).Ack);
        Assert.Equal(VirtioIsmAck.Enoent, (await b.Driver.AttachAsync(0)).Ack);
        Assert.True((await b.Driver.AttachAsync(region.Token)).IsOk);
        Assert.Equal(VirtioIsmAck.Err, (await b.Driver.AttachAsync(region.Token)).Ack);        // attached twice
        Assert.Equal(IsmStatus.AlreadyAttached, b.Device.LastStatus);
        Assert.Equal(VirtioIsmAck.PermEattach, (await c.Driver.AttachAsync(region.Token)).Ack); // a third guest: exclusive
        Assert.Equal(IsmStatus.Exclusive, c.Device.LastStatus);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecTokenKeyed)]
    [Trait("Requirement", Ids.Vism2DecSameModel)]
    public async Task Detach_is_keyed_by_token_and_counts_references()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        Assert.Equal(VirtioIsmAck.Enoent, (await b.Driver.DetachTokenAsync(region.Token)).Ack);  // b holds no reference
        Assert.Equal(VirtioIsmAck.Enoent, (await b.Driver.GrantSetDefaultAsync(region.Token, VirtioIsmPerm.Read)).Ack);
        Assert.Equal(VirtioIsmAck.Enoent, (await b.Driver.GrantSetForDeviceAsync(region.Token, 9, VirtioIsmPerm.Read)).Ack);
        Assert.Equal(VirtioIsmAck.Enoent, (await b.Driver.EventVectorAsync(region.Token, 0)).Ack);
        Assert.Equal(VirtioIsmAck.Enoent, (await a.Driver.DetachTokenAsync(0)).Ack);
        var peer = (await b.Driver.AttachAsync(region.Token)).Value;
        (await region.DetachAsync()).ThrowIfFailed();
        Assert.Equal(1, bed.Host.RegionsInUse);                                  // b still holds it
        peer.Memory.Span[0] = 1;
        Assert.Throws<UnauthorizedAccessException>(() => region.ReadOnlyMemory.Span[0]);
        (await peer.DetachAsync()).ThrowIfFailed();
        Assert.Equal(0, bed.Host.RegionsInUse);
        Assert.Equal(VirtioIsmAck.Enoent, (await b.Driver.DetachTokenAsync(region.Token)).Ack);
    }
}
