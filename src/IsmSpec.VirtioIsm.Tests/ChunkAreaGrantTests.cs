using IsmSpec.Specs.VirtioIsm.V2;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>Version-2 GRANT_SET_DEFAULT (3,0), GRANT_SET_FOR_DEVICE (3,1) and IsmSpec's reading of CLEAN_DEFAULT.</summary>
public class ChunkAreaGrantTests
{
    private const VirtioIsmPerm Rwa = VirtioIsmPerm.Read | VirtioIsmPerm.Write | VirtioIsmPerm.Attach;

    [Fact]
    [Trait("Requirement", Ids.Vism2DecGrantSplit)]
    public async Task Set_for_device_overrides_the_default_and_puts_peer_devid_last_on_the_wire()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var c = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        (await region.GrantDefaultAsync(0)).ThrowIfFailed();
        (await region.GrantAsync(b.Devid, Rwa)).ThrowIfFailed();
        Assert.Equal(VirtioIsmAck.PermEattach, (await c.Driver.AttachAsync(region.Token)).Ack);
        Assert.True((await b.Driver.AttachAsync(region.Token)).IsOk);

        Span<byte> wire = stackalloc byte[VirtioIsmCtrl.GrantSetForDeviceRequestLength];
        VirtioIsmCtrl.TryWriteGrantSetForDevice(wire, new VirtioIsmGrantRequest { Token = 1, Permissions = VirtioIsmPerm.Read, PeerDevid = 0x77 }, out _);
        Assert.Equal([3, 1], wire[..2].ToArray());
        Assert.Equal(0x77, wire[2 + 16]);                                   // token @0, permissions @8, peer_devid @16
        Assert.Equal((byte)VirtioIsmPerm.Read, wire[2 + 8]);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecGrantSplit)]
    [Trait("Requirement", Ids.Vism2DecAckMap)]
    [Trait("Requirement", Ids.Vism2DecSameModel)]
    public async Task Grant_refusals_MANAGE_peer_zero_unknown_bits_and_a_full_table()
    {
        await using var bed = new ChunkAreaBed(IsmBed.Options() with { MaxGrantEntries = 2 });
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        var peer = (await b.Driver.AttachAsync(region.Token)).Value;
        Assert.Equal(VirtioIsmAck.Err, (await peer.GrantDefaultAsync(Rwa)).Ack);                     // b lacks MANAGE
        Assert.Equal(Host.IsmStatus.NotPermitted, b.Device.LastStatus);
        Assert.Equal(VirtioIsmAck.Err, (await region.GrantAsync(0, Rwa)).Ack);                       // peer 0
        Assert.Equal(VirtioIsmAck.Err, (await region.GrantDefaultAsync((VirtioIsmPerm)(1 << 5))).Ack); // unknown bit
        (await region.GrantAsync(b.Devid, Rwa | VirtioIsmPerm.Manage)).ThrowIfFailed();                // entry 2 of 2
        Assert.True((await peer.GrantDefaultAsync(Rwa)).IsOk);                                         // now b manages
        Assert.Equal(VirtioIsmAck.Enospec, (await region.GrantAsync(12345, Rwa)).Ack);                 // table full
        (await region.GrantAsync(b.Devid, VirtioIsmPerm.Read)).ThrowIfFailed();                        // updating is fine
        Assert.Throws<UnauthorizedAccessException>(() => peer.Memory.Span[0] = 1);                     // checked per access
        Assert.Equal(0, peer.ReadOnlyMemory.Span[0]);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecCleanDefault)]
    public async Task CLEAN_DEFAULT_with_a_device_grant_leaves_rights_only_to_devices_with_an_entry()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var c = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        (await region.GrantAsync(c.Devid, Rwa | VirtioIsmPerm.CleanDefault)).ThrowIfFailed();
        Assert.Equal(VirtioIsmAck.PermEattach, (await b.Driver.AttachAsync(region.Token)).Ack);    // defaults are now none
        Assert.True((await c.Driver.AttachAsync(region.Token)).IsOk);
        region.Memory.Span[0] = 1;                                                                  // the owner keeps its entry

        // not sticky: a later GRANT_SET_DEFAULT sets new defaults
        var second = (await a.Driver.AllocAsync(1)).Value;
        (await second.GrantAsync(c.Devid, Rwa | VirtioIsmPerm.CleanDefault)).ThrowIfFailed();
        (await second.GrantDefaultAsync(Rwa)).ThrowIfFailed();
        Assert.True((await b.Driver.AttachAsync(second.Token)).IsOk);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecCleanDefault)]
    public async Task CLEAN_DEFAULT_takes_access_from_attached_devices_without_an_entry()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var b = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(1)).Value;
        var peer = (await b.Driver.AttachAsync(region.Token)).Value;
        Assert.Equal(0, peer.ReadOnlyMemory.Span[0]);
        (await region.GrantAsync(999, VirtioIsmPerm.Read | VirtioIsmPerm.CleanDefault)).ThrowIfFailed();
        Assert.Throws<UnauthorizedAccessException>(() => peer.ReadOnlyMemory.Span[0]);
        Assert.Equal(1, bed.Host.ReferencesOf(b.Devid));                                           // the reference stays
        // with GRANT_SET_DEFAULT, CLEAN_DEFAULT clears and the command's rights become the defaults
        (await region.GrantDefaultAsync(VirtioIsmPerm.Read | VirtioIsmPerm.CleanDefault)).ThrowIfFailed();
        Assert.Equal(0, peer.ReadOnlyMemory.Span[0]);
        Assert.Throws<UnauthorizedAccessException>(() => peer.Memory.Span[0] = 1);
    }
}
