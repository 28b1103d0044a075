using IsmSpec.Codecs;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;
using V1 = IsmSpec.Specs.VirtioIsm;
using V2 = IsmSpec.Specs.VirtioIsm.V2;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>
/// A driver of one generation against a device of the other: the drivers refuse at the device id before touching the
/// status; commands framed for the other generation get error acks; neither device crashes or stops serving.
/// </summary>
public class GenerationInteropTests
{
    [Fact]
    [Trait("Requirement", Ids.Vism2DecGenMismatch)]
    public async Task Drivers_refuse_a_device_of_the_other_generation_before_negotiating()
    {
        await using var bed = new ChunkAreaBed();
        var v2Device = bed.Host.CreateDevice(IsmProtocol.ChunkArea);
        var v1Device = bed.Host.CreateDevice();
        v2Device.Start();
        v1Device.Start();
        var error = Assert.Throws<InvalidOperationException>(() => VirtioIsmDriver.Connect(new LocalPort(v2Device)));
        Assert.Contains("44", error.Message);
        Assert.Equal(0, (int)v2Device.State.Status);
        error = Assert.Throws<InvalidOperationException>(() => ChunkAreaDriver.Connect(new LocalPort(v1Device)));
        Assert.Contains("43", error.Message);
        Assert.Equal(0, (int)v1Device.State.Status);
        // both devices still accept the right driver
        await using var v2 = ChunkAreaDriver.Connect(new LocalPort(v2Device));
        await using var v1 = VirtioIsmDriver.Connect(new LocalPort(v1Device));
        Assert.True((await v2.AllocAsync(1)).IsOk);
        Assert.True((await v1.AllocAsync(1)).IsOk);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecGenMismatch)]
    public async Task First_draft_commands_on_a_version_2_device_get_error_acks()
    {
        await using var bed = new ChunkAreaBed();
        var a = bed.AddGuest();
        var own = (await a.Driver.AllocAsync(1)).Value;
        byte[] Frame(Func<byte[], int> write) { var b = new byte[64]; return b[..write(b)]; }
        var attach = Frame(b => { V1.VirtioIsmCtrl.TryWriteAttach(b, new V1.VirtioIsmAttachRequest { Token = own.Token }, out int n); return n; });
        var grant = Frame(b => { V1.VirtioIsmCtrl.TryWriteGrant(b, new V1.VirtioIsmGrantRequest { Offset = own.Offset, PeerDevid = 0, Permissions = V1.VirtioIsmPerm.Read }, out int n); return n; });
        var detach = Frame(b => { V1.VirtioIsmCtrl.TryWriteDetach(b, new V1.VirtioIsmDetachRequest { Offset = own.Offset + 1 }, out int n); return n; });
        Assert.Equal(new[] { (byte)V2.VirtioIsmAck.Err }, await a.Driver.Control.SubmitAsync(attach));      // 10 bytes, v2 needs 18
        Assert.Equal(DispatchStatus.BadLength, a.Device.LastDispatch);
        Assert.Equal(new[] { (byte)V2.VirtioIsmAck.Err }, await a.Driver.Control.SubmitAsync(grant));       // 26 bytes, v2 (3,0) needs 18
        Assert.Equal(new[] { (byte)V2.VirtioIsmAck.Enoent }, await a.Driver.Control.SubmitAsync(detach));   // the offset read as a token
        Assert.False(own.Detached);
        Assert.True((await a.Driver.AllocAsync(1)).IsOk);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecGenMismatch)]
    public async Task Version_2_commands_on_a_first_draft_device_get_error_acks()
    {
        await using var bed = new ChunkAreaBed();
        var g = bed.AddV1Guest();
        var own = (await g.Driver.AllocAsync(1)).Value;
        byte[] Frame(Func<byte[], int> write) { var b = new byte[64]; return b[..write(b)]; }
        var attach = Frame(b => { V2.VirtioIsmCtrl.TryWriteAttach(b, new V2.VirtioIsmAttachRequest { Token = own.Token, RwPerm = 3 }, out int n); return n; });
        var forDevice = Frame(b => { V2.VirtioIsmCtrl.TryWriteGrantSetForDevice(b, new V2.VirtioIsmGrantRequest { Token = own.Token, PeerDevid = 5 }, out int n); return n; });
        var setDefault = Frame(b => { V2.VirtioIsmCtrl.TryWriteGrantSetDefault(b, new V2.VirtioIsmGrantDefaultRequest { Token = own.Token }, out int n); return n; });
        var detach = Frame(b => { V2.VirtioIsmCtrl.TryWriteDetach(b, new V2.VirtioIsmDetachRequest { Token = own.Token }, out int n); return n; });
        byte err = (byte)V1.VirtioIsmCtrl.Error;
        Assert.Equal(new[] { err }, await g.Driver.Control.SubmitAsync(attach));
        Assert.Equal(DispatchStatus.BadLength, g.Device.LastDispatch);
        Assert.Equal(new[] { err }, await g.Driver.Control.SubmitAsync(forDevice));
        Assert.Equal(DispatchStatus.UnknownCommand, g.Device.LastDispatch);
        Assert.Equal(new[] { err }, await g.Driver.Control.SubmitAsync(setDefault));
        Assert.Equal(new[] { err }, await g.Driver.Control.SubmitAsync(detach));          // the token read as an offset
        Assert.True(bed.Host.RegionExists(own.Offset));
        Assert.True((await g.Driver.AllocAsync(1)).IsOk);
    }

    [Fact]
    [Trait("Requirement", Ids.Vism2DecSameModel)]
    public async Task Both_generations_share_one_host_and_its_region_rules()
    {
        await using var bed = new ChunkAreaBed();
        var v1 = bed.AddV1Guest();
        var v2 = bed.AddGuest();
        var region = (await v1.Driver.AllocAsync(100)).Value;
        var peer = (await v2.Driver.AttachAsync(region.Token)).Value;         // one token space per host
        Assert.Equal(region.Offset, peer.Offset);                              // host-wide offsets
        "x"u8.CopyTo(peer.Memory.Span);
        Assert.Equal((byte)'x', region.ReadOnlyMemory.Span[0]);
        Assert.Equal(2, bed.Host.ReferencesOf(v1.Devid) + bed.Host.ReferencesOf(v2.Devid));
    }
}
