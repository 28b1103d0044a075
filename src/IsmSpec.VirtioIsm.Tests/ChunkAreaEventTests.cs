using System.Numerics;
using IsmSpec.Specs.VirtioIsm.V2;
using IsmSpec.VirtioIsm.Driver;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>Version-2 kicks (per-chunk notify addresses), virtio_ism_event_update on the eventq, and EVENT_VECTOR.</summary>
public class ChunkAreaEventTests
{
    private static readonly TimeSpan Wait = ChunkAreaBed.Wait;
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    [Trait("Requirement", Ids.Vism2KickNotifyAddr)]
    [Trait("Requirement", Ids.Vism2DecEventq)]
    public async Task A_kick_reaches_the_peer_as_an_update_event_naming_the_writer()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var filler = (await a.Driver.AllocAsync(1)).Value;                  // so the region is not at offset 0
        var region = (await a.Driver.AllocAsync(3 * ChunkAreaBed.Chunk)).Value;
        var peer = (await b.Driver.AttachAsync(region.Token)).Value;
        ulong expected = (region.Offset >> BitOperations.Log2(b.Driver.ChunkSize)) * b.Driver.NotifySize;
        Assert.Equal(expected, b.Driver.NotifyAddress(peer.Offset));
        Assert.NotEqual(filler.Offset, region.Offset);
        "hi"u8.CopyTo(peer.Memory.Span);
        peer.Notify();
        var update = Assert.IsType<ChunkAreaUpdate>(await a.Driver.NextUpdateAsync(Wait));
        Assert.Equal((region.Offset, b.Devid, IsmUpdateSource.EventQueue), (update.Offset, update.Devid, update.Source));
        Assert.Same(region, update.Region);
        Assert.Equal((byte)'h', region.ReadOnlyMemory.Span[0]);
        Assert.Null(await b.Driver.NextUpdateAsync(Quiet));                // never back to the writer
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecNotifyChunks)]
    public async Task A_mark_at_any_chunk_of_a_region_is_an_update_of_that_region_but_needs_WRITE()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(4 * ChunkAreaBed.Chunk)).Value;
        var peer = (await b.Driver.AttachAsync(region.Token)).Value;
        b.Port.NotifyArea[(int)b.Driver.NotifyAddress(peer.Areas[3].Offset)] = 1;
        b.Port.Doorbell.Notify();
        var update = Assert.IsType<ChunkAreaUpdate>(await a.Driver.NextUpdateAsync(Wait));
        Assert.Equal(region.Offset, update.Offset);

        (await region.GrantAsync(b.Devid, VirtioIsmPerm.Read | VirtioIsmPerm.Attach)).ThrowIfFailed();
        peer.Notify();                                                      // b lost WRITE: no update
        Assert.Null(await a.Driver.NextUpdateAsync(Quiet));
        Assert.Equal(0, b.Port.NotifyArea[(int)b.Driver.NotifyAddress(peer.Offset)]);   // the mark was taken anyway
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecEventVector)]
    [Trait("Requirement", Ids.Vism2DecAckMap)]
    public async Task Event_vector_needs_no_feature_and_a_bound_region_reports_only_through_it()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest(new VirtioIsmDriverOptions { Vectors = 2, CommandTimeout = Wait });
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        Assert.True(region.Vector >= 0);
        Assert.Equal(VirtioIsmAck.Err, (await a.Driver.EventVectorAsync(region.Token, 99)).Ack);
        var peer = (await b.Driver.AttachAsync(region.Token)).Value;
        peer.Notify();
        var update = Assert.IsType<ChunkAreaUpdate>(await a.Driver.NextUpdateAsync(Wait));
        Assert.Equal((IsmUpdateSource.Vector, region.Offset), (update.Source, update.Offset));
        Assert.True(a.Device.Vectors.FiredCount(region.Vector) >= 1);
        Assert.Null(await a.Driver.NextUpdateAsync(Quiet));                // not also on the eventq
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecEventq)]
    public async Task Many_kicks_on_many_regions_report_every_region()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var peers = new List<ChunkAreaRegion>();
        for (int i = 0; i < 4; i++)
            peers.Add((await b.Driver.AttachAsync((await a.Driver.AllocAsync((ulong)i * ChunkAreaBed.Chunk + 1)).Value.Token)).Value);
        for (int round = 0; round < 10; round++)
            foreach (var p in peers) p.Notify();
        var seen = new HashSet<ulong>();
        while (seen.Count < 4 && await a.Driver.NextUpdateAsync(Wait) is { } u)
        {
            Assert.Equal(b.Devid, u.Devid);
            seen.Add(u.Offset);
        }
        Assert.Equal(peers.Select(p => p.Offset).ToHashSet(), seen);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecEventq)]
    public async Task Without_an_eventq_updates_wait_and_the_device_keeps_serving()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest(new VirtioIsmDriverOptions { EventQueue = false, CommandTimeout = Wait });
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        var peer = (await b.Driver.AttachAsync(region.Token)).Value;
        for (int i = 0; i < 5; i++) { peer.Notify(); await Task.Delay(20); }
        Assert.Null(await a.Driver.NextUpdateAsync(Quiet));
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);
    }
}
