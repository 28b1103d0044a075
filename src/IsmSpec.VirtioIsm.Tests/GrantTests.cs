using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>GRANT (draft statements 25-26, "Permissions") and the permission decisions.</summary>
public class GrantTests
{
    private const VirtioIsmPerm Rw = VirtioIsmPerm.Read | VirtioIsmPerm.Write;

    [Fact]
    [Trait("Requirement", Ids.VismGrantUnknownOffset)]
    public async Task VISM_GRANT_UNKNOWN_OFFSET_is_refused()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        Assert.Equal(IsmError.Refused, (await a.Driver.GrantOffsetAsync(region.Offset + IsmBed.RegionSize, 0, Rw)).Error);
        Assert.Equal(IsmError.Refused, (await a.Driver.GrantOffsetAsync(region.Offset + 3, 0, Rw)).Error);
        Assert.Equal(IsmStatus.UnknownOffset, a.Device.LastStatus);
        Assert.True((await region.GrantAsync(0, Rw | VirtioIsmPerm.Attach)).IsOk);
    }

    [Fact]
    [Trait("Requirement", Ids.VismGrantPermissionCheck)]
    [Trait("Requirement", Ids.VismDecGrantOwner)]
    public async Task VISM_GRANT_PERMISSION_CHECK_only_MANAGE_holders_change_permissions()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        var atB = (await b.Driver.AttachAsync(region.Token)).Value;
        Assert.Equal(IsmError.Refused, (await atB.GrantAsync(0, Rw)).Error);
        Assert.Equal(IsmStatus.NotPermitted, b.Device.LastStatus);
        (await region.GrantAsync(b.Devid, Rw | VirtioIsmPerm.Attach | VirtioIsmPerm.Manage)).ThrowIfFailed();
        Assert.True((await atB.GrantAsync(0, Rw)).IsOk);
        Assert.Equal(IsmError.Refused, (await region.GrantAsync(0, (VirtioIsmPerm)(1UL << 7))).Error); // unknown bit
        Assert.Equal(IsmStatus.BadArgument, a.Device.LastStatus);
    }

    [Fact]
    [Trait("Requirement", Ids.VismDecDenyOther)]
    [Trait("Requirement", Ids.VismDecPermAttach)]
    public async Task VISM_DEC_DENY_OTHER_only_named_devices_attach()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var c = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        (await region.GrantAsync(0, Rw | VirtioIsmPerm.Attach | VirtioIsmPerm.DenyOther)).ThrowIfFailed();
        Assert.Equal(IsmError.Refused, (await b.Driver.AttachAsync(region.Token)).Error);
        Assert.Equal(IsmStatus.NotPermitted, b.Device.LastStatus);
        (await region.GrantAsync(c.Devid, Rw | VirtioIsmPerm.Attach)).ThrowIfFailed();
        Assert.True((await c.Driver.AttachAsync(region.Token)).IsOk);
    }

    [Fact]
    [Trait("Requirement", Ids.VismDecPermAttach)]
    [Trait("Requirement", Ids.VismDecGrantDefault)]
    public async Task VISM_DEC_GRANT_DEFAULT_default_without_ATTACH_refuses_and_per_device_overrides()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var c = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        (await region.GrantAsync(0, Rw)).ThrowIfFailed();
        Assert.Equal(IsmError.Refused, (await b.Driver.AttachAsync(region.Token)).Error);
        (await region.GrantAsync(c.Devid, VirtioIsmPerm.Attach | VirtioIsmPerm.Read)).ThrowIfFailed();
        var atC = (await c.Driver.AttachAsync(region.Token)).Value;
        Assert.Equal(0, atC.ReadOnlyMemory.Span[0]);                               // READ works
        Assert.Throws<UnauthorizedAccessException>(() => atC.Memory.Span[0] = 1);  // no WRITE
    }

    [Fact]
    [Trait("Requirement", Ids.VismDecPermAccess)]
    public async Task VISM_DEC_PERM_ACCESS_grant_changes_apply_to_the_next_access_and_to_notify()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        var atB = (await b.Driver.AttachAsync(region.Token)).Value;
        atB.Memory.Span[0] = 7;
        (await region.GrantAsync(b.Devid, VirtioIsmPerm.Read)).ThrowIfFailed();
        Assert.Throws<UnauthorizedAccessException>(() => atB.Memory.Span[0] = 8);
        Assert.Equal(7, atB.ReadOnlyMemory.Span[0]);
        atB.Notify();                                                              // without WRITE: no update for A
        Assert.Null(await a.Driver.NextUpdateAsync(TimeSpan.FromMilliseconds(300)));
        (await region.GrantAsync(b.Devid, 0)).ThrowIfFailed();
        Assert.Throws<UnauthorizedAccessException>(() => atB.ReadOnlyMemory.Span[0]);
        Assert.True(bed.Host.RegionExists(region.Offset));                         // the reference itself stays
        Assert.Equal(1, bed.Host.ReferencesOf(b.Devid));
    }

    [Fact]
    [Trait("Requirement", Ids.VismDecGrantTable)]
    public async Task VISM_DEC_GRANT_TABLE_a_full_per_device_table_refuses_and_changes_nothing()
    {
        await using var bed = new IsmBed(IsmBed.Options() with { MaxGrantEntries = 2 });
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;                       // entry 1: the allocator
        (await region.GrantAsync(1000, Rw)).ThrowIfFailed();                     // entry 2
        Assert.Equal(IsmError.Refused, (await region.GrantAsync(b.Devid, 0)).Error);
        Assert.Equal(IsmStatus.TableFull, a.Device.LastStatus);
        Assert.True((await b.Driver.AttachAsync(region.Token)).IsOk);            // b still has the default rights
    }
}
