using System.Globalization;
using IsmSpec.Virtio.Linux;
using IsmSpec.Virtio.Virtqueue;

// Device half in a child process (used by CrossProcessTests). Arguments, all decimal:
//   parentPid memfdInParent kickFd callFd queueSize descAddr availAddr usedAddr features requests
// The memfd is opened through /proc/<parentPid>/fd/<memfdInParent>; kickFd and callFd are inherited eventfds.
// Each request's readable bytes come back in its writable buffers XOR 0x5A; exit code 0 after `requests` completions.
if (args.Length != 10)
{
    Console.Error.WriteLine("usage: parentPid memfd kickFd callFd queueSize desc avail used features requests");
    return 64;
}
long[] a = args.Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
using var region = SharedMemoryRegion.OpenFromProcess((int)a[0], (int)a[1]);
using var kick = EventFd.FromInherited((int)a[2]);
using var call = EventFd.FromInherited((int)a[3]);
var memory = new SharedGuestMemory(region);
var layout = new VirtqLayout((ushort)a[4], (ulong)a[5], (ulong)a[6], (ulong)a[7]);
var device = new VirtqDevice(memory, layout, (ulong)a[8], call);
long remaining = a[9];
var scratch = new byte[64 * 1024];

while (remaining > 0)
{
    if (!kick.Wait(10_000))
    {
        Console.Error.WriteLine($"peer: no kick within 10 s, {remaining} requests left");
        return 3;
    }
    while (device.TryPop(out var chain))
    {
        int n = device.ReadFrom(in chain, scratch.AsSpan(0, (int)Math.Min(chain.ReadableBytes, (ulong)scratch.Length)));
        for (int i = 0; i < n; i++) scratch[i] ^= 0x5A;
        int written = device.WriteTo(in chain, scratch.AsSpan(0, (int)Math.Min((ulong)n, chain.WritableBytes)));
        device.Complete(chain.Head, (uint)written);
        remaining--;
    }
    device.NotifyIfNeeded();
    if (device.Fault != VirtqFault.None)
    {
        Console.Error.WriteLine($"peer: queue fault {device.Fault}");
        return 2;
    }
}
return 0;
