using System.Text;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>ATTACH and DETACH (draft statements 19-24) and the detach/reset decisions.</summary>
public class AttachDetachTests
{
    [Fact]
    [Trait("Requirement", Ids.VismAttachUnknownToken)]
    public async Task VISM_ATTACH_UNKNOWN_TOKEN_is_refused()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        foreach (ulong token in new[] { 0UL, region.Token ^ 1, 0xDEADBEEFUL })
        {
            Assert.Equal(IsmError.Refused, (await b.Driver.AttachAsync(token)).Error);
            Assert.Equal(IsmStatus.UnknownToken, b.Device.LastStatus);
        }
    }

    [Fact]
    [Trait("Requirement", Ids.VismAttachExclusive)]
    [Trait("Requirement", Ids.VismDecAttachTwice)]
    [Trait("Requirement", Ids.VismDecHostOffsets)]
    public async Task VISM_ATTACH_EXCLUSIVE_two_guests_only_and_only_the_previous_peer_reattaches()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var c = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(100)).Value;
        Encoding.ASCII.GetBytes("from A").CopyTo(region.Memory.Span);
        var atB = (await b.Driver.AttachAsync(region.Token)).Value;
        Assert.Equal(region.Offset, atB.Offset);
        Assert.Equal("from A", Encoding.ASCII.GetString(atB.ReadOnlyMemory.Span[..6]));
        Assert.Equal(IsmError.Refused, (await b.Driver.AttachAsync(region.Token)).Error);   // twice
        Assert.Equal(IsmStatus.AlreadyAttached, b.Device.LastStatus);
        Assert.Equal(IsmError.Refused, (await c.Driver.AttachAsync(region.Token)).Error);   // a third guest
        Assert.Equal(IsmStatus.Exclusive, c.Device.LastStatus);
        (await atB.DetachAsync()).ThrowIfFailed();
        Assert.Equal(IsmError.Refused, (await c.Driver.AttachAsync(region.Token)).Error);   // still only B
        Assert.True((await b.Driver.AttachAsync(region.Token)).IsOk);
        (await region.DetachAsync()).ThrowIfFailed();                                        // A leaves, B holds it
        Assert.Equal(IsmError.Refused, (await c.Driver.AttachAsync(region.Token)).Error);
        Assert.True((await a.Driver.AttachAsync(region.Token)).IsOk);                      // A, the other peer, may return
    }

    [Fact]
    [Trait("Requirement", Ids.VismAttachNoSpace)]
    public async Task VISM_ATTACH_NO_SPACE_window_full()
    {
        await using var bed = new IsmBed(IsmBed.Options() with { MaxReferencesPerDevice = 1 });
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var r1 = (await a.Driver.AllocAsync(1)).Value;
        Assert.True((await b.Driver.AllocAsync(1)).IsOk);
        Assert.Equal(IsmError.Refused, (await b.Driver.AttachAsync(r1.Token)).Error);
        Assert.Equal(IsmStatus.NoSpace, b.Device.LastStatus);
    }

    [Fact]
    [Trait("Requirement", Ids.VismDetachUnknownOffset)]
    [Trait("Requirement", Ids.VismDecDetachOwn)]
    public async Task VISM_DETACH_UNKNOWN_OFFSET_and_only_referrers_detach()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var c = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        foreach (ulong offset in new[] { region.Offset + 1, 8 * IsmBed.RegionSize, ulong.MaxValue, region.Offset + IsmBed.RegionSize })
            Assert.Equal(IsmError.Refused, (await a.Driver.DetachOffsetAsync(offset)).Error);
        Assert.Equal(IsmError.Refused, (await c.Driver.DetachOffsetAsync(region.Offset)).Error); // not c's reference
        Assert.Equal(IsmStatus.UnknownOffset, c.Device.LastStatus);
        Assert.True(bed.Host.RegionExists(region.Offset));
        (await region.DetachAsync()).ThrowIfFailed();
        Assert.Equal(IsmError.Refused, (await a.Driver.DetachOffsetAsync(region.Offset)).Error);  // already gone
    }

    [Fact]
    [Trait("Requirement", Ids.VismDetachReleaseMemory)]
    public async Task VISM_DETACH_RELEASE_MEMORY_views_of_the_detaching_guest_stop_working()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(100)).Value;
        var atB = (await b.Driver.AttachAsync(region.Token)).Value;
        var view = atB.Memory;
        view.Span[0] = 1;
        (await atB.DetachAsync()).ThrowIfFailed();
        Assert.Throws<UnauthorizedAccessException>(() => view.Span[0] = 2);
        Assert.Throws<UnauthorizedAccessException>(() => atB.ReadOnlyMemory.Span[0]);
        Assert.Equal(1, region.ReadOnlyMemory.Span[0]);                                      // A is unaffected
    }

    [Fact]
    [Trait("Requirement", Ids.VismDetachLastReference)]
    public async Task VISM_DETACH_LAST_REFERENCE_region_lives_until_every_reference_is_gone()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(100)).Value;
        var atB = (await b.Driver.AttachAsync(region.Token)).Value;
        atB.Memory.Span[5] = 55;
        (await region.DetachAsync()).ThrowIfFailed();
        Assert.True(bed.Host.RegionExists(region.Offset));
        Assert.Equal(55, atB.ReadOnlyMemory.Span[5]);
        (await atB.DetachAsync()).ThrowIfFailed();
        Assert.False(bed.Host.RegionExists(region.Offset));
        Assert.Equal(IsmError.Refused, (await a.Driver.AttachAsync(region.Token)).Error);    // token died with it
        Assert.Equal(0, bed.Host.RegionsInUse);
    }

    [Fact]
    [Trait("Requirement", Ids.VismDecResetReleases)]
    public async Task VISM_DEC_RESET_RELEASES_reset_drops_every_reference_of_the_guest()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(100)).Value;
        Assert.True((await b.Driver.AttachAsync(region.Token)).IsOk);
        Assert.True((await b.Driver.AllocAsync(1)).IsOk);
        await b.Driver.DisposeAsync();                                                        // resets the device
        Assert.Equal(0, bed.Host.ReferencesOf(b.Devid));
        Assert.Equal(1, bed.Host.RegionsInUse);
        Assert.Equal(b.Devid, b.Device.Devid);
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);                                    // A keeps working
    }
}
