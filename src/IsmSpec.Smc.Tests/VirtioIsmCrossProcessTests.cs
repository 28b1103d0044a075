using System.Diagnostics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.VirtioIsm.Dibs;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Host;
using IsmSpec.VirtioIsm.Port;
using IsmSpec.VirtioIsm.Remote;

namespace IsmSpec.Smc.Tests;

/// <summary>
/// Issue 4 item 6 acceptance across processes over virtio-ism: this process runs the virtio-ism host and guest A
/// (LocalPort); the child (IsmSpec.Smc.Peer in mode "virtio-ism") is guest B, attached through a RemoteGuestEndpoint
/// (Unix socket + the host's memfds + inherited eventfds), with its own VirtioIsmDibsDevice, DIBS layer and SMC-D
/// client. The handshake runs over the child's stdin/stdout; the child echoes; each property case is a new connection.
/// </summary>
public class VirtioIsmCrossProcessTests
{
    private const uint ChildDmb = 512;                 // the child's ring: 480 bytes

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamSetup)]
    public async Task Random_writes_echo_back_intact_from_a_virtio_ism_guest_in_another_process()
    {
        using var host = new IsmHost(new IsmHostOptions { HostName = "smc-cross", RegionCount = 64, RegionSize = 64 * 1024, MaxReferencesPerDevice = 16 });
        var local = host.CreateDevice();
        local.Start();
        var driver = VirtioIsmDriver.Connect(new LocalPort(local));
        var layer = DibsLayer.Load(false);
        var vism = VirtioIsmDibsDevice.Probe(layer, driver).Value;
        var smcd = SmcdClient.Register(layer).Value;
        using var endpoint = new RemoteGuestEndpoint(host.CreateDevice(), Path.Combine(Path.GetTempPath(), $"smc-vism-{Environment.ProcessId}-{Guid.NewGuid():N}.sock"));
        var stderr = new StringBuilder();
        using var child = StartPeer(endpoint);
        child.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        child.BeginErrorReadLine();
        try
        {
            var channel = new DuplexStream(child.StandardOutput.BaseStream, child.StandardInput.BaseStream);
            var ring = (int)(ChildDmb - CdcHeader.RingOffset);
            var cases = Gen.Elements(64u, 200u, 1024u, 4096u, 16384u).SelectMany(dmb =>
                Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 4 * ring), n)).SelectMany(writes =>
                    Gen.Choose(0, int.MaxValue).Select(seed => (dmb, writes, seed))));
            var property = Prop.ForAll(cases.ToArbitrary(), c =>
            {
                using var conn = SmcdEndpoint.ConnectAsync(smcd, vism.Device, channel, new SmcdStreamOptions { DmbSize = c.dmb })
                    .WaitAsync(StreamBed.Timeout).GetAwaiter().GetResult();
                var data = Exchange.RandomBytes(new Random(c.seed), c.writes.Sum());
                var echo = Task.Run(async () =>
                {
                    var received = new MemoryStream();
                    await conn.GetStream().CopyToAsync(received, 4096 + c.seed % 1000);
                    return received.ToArray();
                });
                var offset = 0;
                foreach (var n in c.writes)
                {
                    conn.Write(data.AsSpan(offset, n));
                    offset += n;
                }
                conn.ShutdownWrite();
                return Exchange.Await(echo).AsSpan().SequenceEqual(data);
            });
            PropertyRunner.Check(property, 40, "SMC-D stream across processes (virtio-ism DIBS device)");
            child.StandardInput.Close();
            Assert.True(child.WaitForExit(15_000), "the peer did not exit");
            Assert.True(child.ExitCode == 0, $"peer exit code {child.ExitCode}: {stderr}");
            Assert.True(endpoint.WaitGone(TimeSpan.FromSeconds(10)), "the host did not see the peer leave");
            Assert.Equal(0, host.ReferencesOf(endpoint.Device.Devid));
        }
        finally
        {
            if (!child.HasExited)
                child.Kill();
            smcd.Unregister();
            vism.Remove();
        }
        await driver.DisposeAsync();
        Assert.Equal(0, host.RegionsInUse);
    }

    private static Process StartPeer(RemoteGuestEndpoint endpoint)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PeerPath());
        start.ArgumentList.Add("virtio-ism");
        start.ArgumentList.Add(ChildDmb.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var arg in endpoint.GuestInfo.ToArguments())
            start.ArgumentList.Add(arg);
        endpoint.SetInheritable(true);
        try
        {
            return Process.Start(start)!;
        }
        finally
        {
            endpoint.SetInheritable(false);
        }
    }

    private static string PeerPath()
    {
        // bin/<Configuration>/net10.0 of this project → the same folder of the peer project
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        string tfm = here.Name, configuration = here.Parent!.Name;
        var src = here.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(src, "IsmSpec.Smc.Peer", "bin", configuration, tfm, "IsmSpec.Smc.Peer.dll");
        Assert.True(File.Exists(path), $"peer not built: {path}");
        return path;
    }
}
