using System.Globalization;
using IsmSpec.Dibs;
using IsmSpec.Smc;
using IsmSpec.VirtioIsm.Dibs;
using IsmSpec.VirtioIsm.Driver;
using IsmSpec.VirtioIsm.Remote;

/// <summary>
/// Peer mode "virtio-ism" (used by IsmSpec.Smc.Tests VirtioIsmCrossProcessTests): a second virtio-ism guest of the
/// host in the parent process, reached over the transport socket, the host's memfds and inherited eventfds
/// (RemotePort). It builds a VirtioIsmDibsDevice, its own DIBS layer and SMC-D client, and echoes every connection
/// it accepts over stdin/stdout until end of stream. Arguments: virtio-ism dmbSize &lt;RemoteGuestInfo (7)&gt;.
/// </summary>
internal static class VirtioIsmPeer
{
    public const string Mode = "virtio-ism";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2 + RemoteGuestInfo.ArgumentCount)
        {
            Console.Error.WriteLine("usage: virtio-ism dmbSize hostPid socket ramFd regionsFd notifyFd doorbellFd interruptFd");
            return 64;
        }
        var dmbSize = uint.Parse(args[1], CultureInfo.InvariantCulture);
        using var port = new RemotePort(RemoteGuestInfo.Parse(args[2..]));
        var driver = VirtioIsmDriver.Connect(port);
        var layer = DibsLayer.Load(configDibsLo: false);
        var vism = VirtioIsmDibsDevice.Probe(layer, driver).Value;
        var smcd = SmcdClient.Register(layer).Value;
        using var channel = new DuplexStream(Console.OpenStandardInput(), Console.OpenStandardOutput());
        var buffer = new byte[64 * 1024];
        var options = new SmcdStreamOptions { DmbSize = dmbSize };
        while (true)
        {
            SmcdConnection conn;
            try
            {
                conn = await SmcdEndpoint.AcceptAsync(smcd, vism.Device, channel, options);
            }
            catch (EndOfStreamException)
            {
                break;
            }
            using (conn)
            {
                var random = new Random((int)conn.LocalToken);
                int n;
                while ((n = await conn.ReadAsync(buffer.AsMemory(0, random.Next(1, buffer.Length)))) > 0)
                    await conn.WriteAsync(buffer.AsMemory(0, n));
            }
        }
        var unregistered = smcd.Unregister().IsOk;
        var removed = vism.Remove().IsOk;
        await driver.DisposeAsync();
        return unregistered && removed ? 0 : 3;
    }
}
