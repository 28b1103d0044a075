using System.Diagnostics;
using System.Text;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Remote;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.VirtioIsm.Tests;

/// <summary>
/// Guest A runs here with the device host; guest B runs in IsmSpec.VirtioIsm.Peer and reaches its device through the
/// transport socket, the host's memfds (guest RAM with its virtqueues, REGIONS, NOTIFY) and inherited eventfds.
/// </summary>
public class CrossProcessTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    [Trait("Requirement", Ids.VismEventNotifyPeers)]
    [Trait("Requirement", Ids.VismAttachExclusive)]
    [Trait("Requirement", Ids.VismDetachLastReference)]
    public async Task Alloc_attach_write_notify_event_detach_across_processes()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(128)).Value;
        using var endpoint = new RemoteGuestEndpoint(bed.Host.CreateDevice(), SocketPath());
        using var child = StartPeer(endpoint, "flow", region.Token);

        var update = await a.Driver.NextUpdateAsync(Wait);
        if (update?.Offset != region.Offset) Assert.Fail($"no update from B; peer output: {Drain(child)}");
        Assert.Equal("hello from B", Encoding.ASCII.GetString(region.ReadOnlyMemory.Span[..12]));
        Encoding.ASCII.GetBytes("reply from A").CopyTo(region.Memory.Span[64..]);
        region.Notify();

        Assert.True(child.WaitForExit(15_000), "peer did not finish");
        string output = child.StandardOutput.ReadToEnd();
        Assert.True(child.ExitCode == 0, $"peer exit {child.ExitCode}: {output} {child.StandardError.ReadToEnd()}");
        Assert.Contains("GOT reply from A", output);
        Assert.Contains("DETACHED", output);
        Assert.True(endpoint.WaitGone(Wait));
        Assert.Equal(0, bed.Host.ReferencesOf(endpoint.Device.Devid));
        Assert.True(bed.Host.RegionExists(region.Offset));
        (await region.DetachAsync()).ThrowIfFailed();
        Assert.Equal(0, bed.Host.RegionsInUse);
    }

    [Fact]
    [Trait("Requirement", Ids.VismDecPeerGone)]
    public async Task Killed_peer_releases_its_references_and_the_rest_keeps_working()
    {
        await using var bed = new IsmBed();
        var a = bed.AddGuest();
        var region = (await a.Driver.AllocAsync(128)).Value;
        using var endpoint = new RemoteGuestEndpoint(bed.Host.CreateDevice(), SocketPath());
        using var child = StartPeer(endpoint, "hold", region.Token);

        var update = await a.Driver.NextUpdateAsync(Wait);
        if (update?.Offset != region.Offset) Assert.Fail($"no update from B; peer output: {Drain(child)}");
        Assert.Equal("held by B", Encoding.ASCII.GetString(region.ReadOnlyMemory.Span[..9]));
        Assert.Equal(1, bed.Host.ReferencesOf(endpoint.Device.Devid));

        child.Kill();
        Assert.True(endpoint.WaitGone(Wait), "the host did not notice the peer died");
        Assert.Equal(0, bed.Host.ReferencesOf(endpoint.Device.Devid));
        Assert.True(endpoint.Device.IsUnplugged);
        Assert.True(bed.Host.RegionExists(region.Offset));                    // A still holds it
        region.Memory.Span[0] = 1;
        var other = (await a.Driver.AllocAsync(1)).Value;                     // device and host keep serving
        (await other.DetachAsync()).ThrowIfFailed();
        (await region.DetachAsync()).ThrowIfFailed();
        Assert.Equal(0, bed.Host.RegionsInUse);
    }

    private static Process StartPeer(RemoteGuestEndpoint endpoint, string scenario, ulong token)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(PeerPath());
        foreach (var arg in endpoint.GuestInfo.ToArguments()) start.ArgumentList.Add(arg);
        start.ArgumentList.Add(scenario);
        start.ArgumentList.Add(token.ToString());
        lock (typeof(CrossProcessTests))
        {
            endpoint.SetInheritable(true);
            try { return Process.Start(start)!; }
            finally { endpoint.SetInheritable(false); }
        }
    }

    private static string SocketPath() => Path.Combine(Path.GetTempPath(), $"vism-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");

    private static string Drain(Process child)
    {
        if (!child.HasExited) child.Kill();
        child.WaitForExit(5000);
        return child.StandardError.ReadToEnd() + child.StandardOutput.ReadToEnd();
    }

    private static string PeerPath()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        string tfm = here.Name, configuration = here.Parent!.Name;
        string src = here.Parent.Parent!.Parent!.Parent!.FullName;
        string path = Path.Combine(src, "IsmSpec.VirtioIsm.Peer", "bin", configuration, tfm, "IsmSpec.VirtioIsm.Peer.dll");
        Assert.True(File.Exists(path), $"peer not built: {path}");
        return path;
    }
}
