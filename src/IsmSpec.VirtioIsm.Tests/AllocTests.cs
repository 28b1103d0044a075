using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>ALLOC (draft statements 12-17) and the token decision.</summary>
public class AllocTests
{
    [Fact]
    [Trait("Requirement", Ids.VismAllocToken)]
    [Trait("Requirement", Ids.VismDecToken)]
    public async Task VISM_ALLOC_TOKEN_ok_fresh_nonzero_tokens_and_slot_offsets()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var tokens = new HashSet<ulong>();
        var offsets = new HashSet<ulong>();
        for (int round = 0; round < 5; round++)
        {
            var regions = new List<IsmRegion>();
            for (int i = 0; i < 8; i++)
            {
                var r = await a.Driver.AllocAsync(100);
                Assert.True(r.IsOk, $"{r.Error} {a.Device.LastStatus}");
                Assert.NotEqual(0UL, r.Value.Token);
                Assert.True(tokens.Add(r.Value.Token), "token reused");
                Assert.Equal(0UL, r.Value.Offset % IsmBed.RegionSize);
                offsets.Add(r.Value.Offset);
                regions.Add(r.Value);
            }
            foreach (var r in regions) (await a.Driver.DetachAsync(r)).ThrowIfFailed();
        }
        Assert.Equal(8, offsets.Count);
    }

    [Fact]
    [Trait("Requirement", Ids.VismAllocZero)]
    public async Task VISM_ALLOC_ZERO_a_reused_slot_reads_as_zero()
    {
        await using var bed = new IsmBed(IsmBed.Options(regions: 1));
        var a = bed.AddGuest();
        var first = (await a.Driver.AllocAsync(IsmBed.RegionSize)).Value;
        first.Memory.Span.Fill(0xAB);
        (await first.DetachAsync()).ThrowIfFailed();
        var second = (await a.Driver.AllocAsync(IsmBed.RegionSize)).Value;
        Assert.Equal(first.Offset, second.Offset);
        Assert.True(second.ReadOnlyMemory.Span.IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    [Trait("Requirement", Ids.VismAllocSizeLimit)]
    public async Task VISM_ALLOC_SIZE_LIMIT_larger_than_region_size_is_refused()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var tooBig = await a.Driver.AllocAsync(IsmBed.RegionSize + 1);
        Assert.Equal(IsmError.Refused, tooBig.Error);
        Assert.Equal(IsmStatus.TooLarge, a.Device.LastStatus);
        Assert.Throws<IsmCommandException>(() => tooBig.Value);
        Assert.True((await a.Driver.AllocAsync(ulong.MaxValue)).Error == IsmError.Refused);
        Assert.True((await a.Driver.AllocAsync(IsmBed.RegionSize)).IsOk);
    }

    [Fact]
    [Trait("Requirement", Ids.VismAllocFullSlot)]
    [Trait("Requirement", Ids.VismAllocNoSpace)]
    public async Task VISM_ALLOC_FULL_SLOT_and_NO_SPACE_tiny_regions_still_take_a_slot()
    {
        await using var bed = new IsmBed(IsmBed.Options(regions: 4));
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        for (int i = 0; i < 4; i++) Assert.True((await (i % 2 == 0 ? a : b).Driver.AllocAsync(1)).IsOk);
        var full = await a.Driver.AllocAsync(1);
        Assert.Equal(IsmError.Refused, full.Error);
        Assert.Equal(IsmStatus.NoSpace, a.Device.LastStatus);
        Assert.Equal(4, bed.Host.RegionsInUse);
    }

    [Fact]
    [Trait("Requirement", Ids.VismAllocNoSpace)]
    [Trait("Requirement", Ids.VismDecWindowLimit)]
    public async Task VISM_ALLOC_NO_SPACE_device_window_full()
    {
        await using var bed = new IsmBed(IsmBed.Options() with { MaxReferencesPerDevice = 2 });
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);
        Assert.Equal(IsmError.Refused, (await a.Driver.AllocAsync(1)).Error);
        Assert.Equal(IsmStatus.NoSpace, a.Device.LastStatus);
        Assert.True((await b.Driver.AllocAsync(1)).IsOk);         // the host still has slots for others
    }

    [Fact]
    [Trait("Requirement", Ids.VismAllocNoMemory)]
    public async Task VISM_ALLOC_NO_MEMORY_host_budget_exhausted()
    {
        await using var bed = new IsmBed(IsmBed.Options() with { MemoryBudget = 2 * IsmBed.RegionSize });
        var a = bed.AddGuest();
        var r1 = (await a.Driver.AllocAsync(1)).Value;
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);
        Assert.Equal(IsmError.Refused, (await a.Driver.AllocAsync(1)).Error);
        Assert.Equal(IsmStatus.NoMemory, a.Device.LastStatus);
        (await r1.DetachAsync()).ThrowIfFailed();
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);
    }

    [Fact]
    [Trait("Requirement", Ids.VismAllocDrvBounds)]
    public async Task VISM_ALLOC_DRV_BOUNDS_driver_views_cover_exactly_the_requested_bytes()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(100)).Value;
        Assert.Equal(100, region.Memory.Length);
        Assert.Equal(100, region.ReadOnlyMemory.Length);
    }
}
