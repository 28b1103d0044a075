using System.Diagnostics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Smc.SharedMemory;

namespace IsmSpec.Smc.Tests;

/// <summary>
/// Acceptance: the two ends in separate processes. This process is station 0 of a shared-memory DIBS fabric
/// (memfd + eventfds); the child (IsmSpec.Smc.Peer) is station 1 and echoes every connection it accepts.
/// The handshake runs over the child's stdin/stdout. Each property case is a new connection.
/// </summary>
public class CrossProcessTests
{
    private const uint ChildDmb = 512;                 // the child's ring: 480 bytes

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamSetup)]
    public void Random_writes_echo_back_intact_from_a_peer_in_another_process()
    {
        using var fabric = SharedMemoryFabric.Create(2, 16, 64 * 1024);
        using var device = new SharedMemoryDibsDevice(fabric, 0);
        var layer = DibsLayer.Load(false);
        Assert.True(layer.AddDevice(device.Device).IsOk);
        var smcd = SmcdClient.Register(layer).Value;
        var stderr = new StringBuilder();
        fabric.SetInheritable(true);
        using var child = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { PeerPath(), ChildDmb.ToString() },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }.WithArguments(fabric.ChildArguments()))!;
        fabric.SetInheritable(false);
        child.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        child.BeginErrorReadLine();
        try
        {
            var channel = new DuplexStream(child.StandardOutput.BaseStream, child.StandardInput.BaseStream);
            var ring = (int)(ChildDmb - CdcHeader.RingOffset);
            var cases = Gen.Elements(64u, 200u, 1024u, 4096u).SelectMany(dmb =>
                Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 4 * ring), n)).SelectMany(writes =>
                    Gen.Choose(0, int.MaxValue).Select(seed => (dmb, writes, seed))));
            var property = Prop.ForAll(cases.ToArbitrary(), c =>
            {
                using var conn = SmcdEndpoint.ConnectAsync(smcd, device.Device, channel, new SmcdStreamOptions { DmbSize = c.dmb })
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
            PropertyRunner.Check(property, 30, "SMC-D stream across processes (shared-memory DIBS device)");
            child.StandardInput.Close();
            Assert.True(child.WaitForExit(10_000), "the peer did not exit");
            Assert.True(child.ExitCode == 0, $"peer exit code {child.ExitCode}: {stderr}");
        }
        finally
        {
            if (!child.HasExited)
                child.Kill();
            layer.DeleteDevice(device.Device);
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

internal static class ProcessStartInfoExtensions
{
    public static ProcessStartInfo WithArguments(this ProcessStartInfo info, IEnumerable<string> more)
    {
        foreach (var arg in more)
            info.ArgumentList.Add(arg);
        return info;
    }
}
