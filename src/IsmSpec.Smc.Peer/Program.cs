using System.Globalization;
using IsmSpec.Dibs;
using IsmSpec.Smc;
using IsmSpec.Smc.SharedMemory;

// Echo peer in a child process (used by IsmSpec.Smc.Tests CrossProcessTests). Arguments:
//   dmbSize parentPid memfd eventfd0 eventfd1 …   (decimal; see SharedMemoryFabric.ChildArguments)
// Station 1 of the fabric. stdin/stdout carry the SMC-D handshake; every accepted connection echoes all it
// reads until end of stream, then closes. Exit 0 when stdin ends between connections.
// Mode "virtio-ism" (first argument): a second virtio-ism guest instead, see VirtioIsmPeer.cs.
if (args.Length > 0 && args[0] == VirtioIsmPeer.Mode)
    return await VirtioIsmPeer.RunAsync(args);
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: dmbSize parentPid memfd eventfd…");
    return 64;
}
var dmbSize = uint.Parse(args[0], CultureInfo.InvariantCulture);
using var fabric = SharedMemoryFabric.Open(args[1..]);
using var device = new SharedMemoryDibsDevice(fabric, station: 1);
var layer = DibsLayer.Load(configDibsLo: false);
layer.AddDevice(device.Device);
var smcd = SmcdClient.Register(layer).Value;
using var channel = new DuplexStream(Console.OpenStandardInput(), Console.OpenStandardOutput());
var buffer = new byte[64 * 1024];
var options = new SmcdStreamOptions { DmbSize = dmbSize };
while (true)
{
    SmcdConnection conn;
    try
    {
        conn = await SmcdEndpoint.AcceptAsync(smcd, device.Device, channel, options);
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
layer.DeleteDevice(device.Device);
return smcd.Unregister().IsOk ? 0 : 3;
