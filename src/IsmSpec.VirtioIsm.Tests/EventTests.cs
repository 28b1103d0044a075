using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>Update events: notify area → eventq message or region vector (draft "Events", statements 3, 7, 27).</summary>
public class EventTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    [Trait("Requirement", Ids.VismEventNotifyPeers)]
    [Trait("Requirement", Ids.VismDecUpdate)]
    public async Task VISM_EVENT_NOTIFY_PEERS_the_other_referrer_gets_an_eventq_update_the_writer_does_not()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(64)).Value;
        var atB = (await b.Driver.AttachAsync(region.Token)).Value;
        atB.Memory.Span[0] = 42;
        atB.Notify();
        var update = await a.Driver.NextUpdateAsync(Wait);
        Assert.NotNull(update);
        Assert.Equal(region.Offset, update.Value.Offset);
        Assert.Same(region, update.Value.Region);
        Assert.Equal(IsmUpdateSource.EventQueue, update.Value.Source);
        Assert.Equal(42, region.ReadOnlyMemory.Span[0]);
        Assert.Null(await b.Driver.NextUpdateAsync(TimeSpan.FromMilliseconds(200)));
        region.Notify();                                                          // and back
        Assert.Equal(region.Offset, (await b.Driver.NextUpdateAsync(Wait))?.Offset);
    }

    [Fact]
    [Trait("Requirement", Ids.VismInitNotifyShm)]
    [Trait("Requirement", Ids.VismDecUpdateCoalesce)]
    public async Task VISM_DEC_UPDATE_COALESCE_many_notifies_many_regions_every_region_reported()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var regions = new List<IsmRegion>();
        for (int i = 0; i < 4; i++)
        {
            var r = (await a.Driver.AllocAsync(8)).Value;
            regions.Add((await b.Driver.AttachAsync(r.Token)).Value);
        }
        for (int round = 0; round < 10; round++)
            foreach (var r in regions) r.Notify();
        var seen = new HashSet<ulong>();
        while (seen.Count < 4 && await a.Driver.NextUpdateAsync(Wait) is { } u) seen.Add(u.Offset);
        Assert.Equal(regions.Select(r => r.Offset).ToHashSet(), seen);
    }

    [Fact]
    [Trait("Requirement", Ids.VismEventVectorBind)]
    [Trait("Requirement", Ids.VismInitDrvEventVector)]
    [Trait("Requirement", Ids.VismDecEventRoute)]
    public async Task VISM_EVENT_VECTOR_BIND_the_bound_vector_fires_on_update()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest(new VirtioIsmDriverOptions { Vectors = 4 });
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(8)).Value;
        Assert.Equal((int)(region.Offset / IsmBed.RegionSize % 4), region.Vector);
        var atB = (await b.Driver.AttachAsync(region.Token)).Value;
        atB.Notify();
        var update = await a.Driver.NextUpdateAsync(Wait);
        Assert.Equal(IsmUpdateSource.Vector, update?.Source);
        Assert.Equal(region.Offset, update?.Offset);
        Assert.Equal(1, a.Device.Vectors.FiredCount(region.Vector));
        Assert.Null(await a.Driver.NextUpdateAsync(TimeSpan.FromMilliseconds(200))); // not also on the eventq
    }

    [Fact]
    [Trait("Requirement", Ids.VismEventVectorBind)]
    public async Task VISM_EVENT_VECTOR_BIND_refused_without_feature_reference_or_vector()
    {
        await using var bed = new IsmBed();
        var plain = bed.AddGuest();
        var irq = bed.AddGuest(new VirtioIsmDriverOptions { Vectors = 1 });
        var mine = (await plain.Driver.AllocAsync(8)).Value;
        Assert.Equal(IsmError.Refused, (await plain.Driver.EventVectorAsync(mine.Offset, 0)).Error);
        Assert.Equal(IsmStatus.FeatureNotNegotiated, plain.Device.LastStatus);
        Assert.Equal(IsmError.Refused, (await irq.Driver.EventVectorAsync(mine.Offset, 0)).Error);
        Assert.Equal(IsmStatus.UnknownOffset, irq.Device.LastStatus);
        var own = (await irq.Driver.AllocAsync(8)).Value;
        Assert.Equal(IsmError.Refused, (await irq.Driver.EventVectorAsync(own.Offset, (ulong)bed.Host.Options.VectorCount)).Error);
        Assert.Equal(IsmStatus.BadArgument, irq.Device.LastStatus);
    }
}
