using System.Diagnostics;
using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Linux;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Virtio.Tests;

/// <summary>
/// Driver here, device in a child process (IsmSpec.Virtio.Tests.Peer): the child maps our memfd through
/// /proc/&lt;pid&gt;/fd, inherits the kick and call eventfds, and answers every request with its bytes XOR 0x5A.
/// </summary>
public class CrossProcessTests
{
    private const int Requests = 500;

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Child_device_completes_requests_posted_by_the_parent_driver(int featureBits)
    {
        ulong features = VirtioSpec.VirtioFVersion1
            | ((featureBits & 1) != 0 ? VirtioSpec.VirtioFEventIdx : 0) | ((featureBits & 2) != 0 ? VirtioSpec.VirtioFIndirectDesc : 0);
        const int queueSize = 16, payload = 200;
        using var region = SharedMemoryRegion.Create("ismspec-xproc", 1 << 20);
        using var kick = EventFd.Create();
        using var call = EventFd.Create();
        var memory = new SharedGuestMemory(region);
        var allocator = new GuestAllocator(memory);
        var layout = VirtqLayout.Allocate(allocator, queueSize);
        var indirect = new IndirectTableArea(0, 4);
        indirect = indirect with { Address = allocator.Allocate(indirect.BytesFor(queueSize)) };
        ulong data = allocator.Allocate(queueSize * 2 * payload);
        var driver = new VirtqDriver(memory, layout, features, kick, indirect);

        kick.SetInheritable(true);
        call.SetInheritable(true);
        using var child = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { PeerPath(), Environment.ProcessId.ToString(), region.FileDescriptor.ToString(), kick.FileDescriptor.ToString(),
                call.FileDescriptor.ToString(), queueSize.ToString(), layout.DescTable.ToString(), layout.AvailRing.ToString(),
                layout.UsedRing.ToString(), features.ToString(), Requests.ToString() },
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        kick.SetInheritable(false);
        call.SetInheritable(false);

        var random = new Random(featureBits);
        var sent = new byte[queueSize][];
        int posted = 0, completed = 0;
        while (completed < Requests)
        {
            // post as many as fit; each request: two readable halves, one writable buffer (slot = head)
            while (posted < Requests && driver.FreeDescriptors >= 3 && driver.InFlight < queueSize)
            {
                int slot = FreeSlot(sent);
                var request = new byte[payload];
                random.NextBytes(request);
                ulong rd = data + (ulong)(slot * 2 * payload), wr = rd + payload;
                request.CopyTo(memory.Get(rd, payload));
                memory.Get(wr, payload).Clear();
                Assert.True(driver.TryAdd(new[] { new VirtqBuffer(rd, payload / 2), new VirtqBuffer(rd + payload / 2, payload / 2) },
                    new[] { new VirtqBuffer(wr, payload) }, out ushort head));
                sent[slot] = request;
                slotOfHead[head] = slot;
                posted++;
            }
            driver.Kick();
            bool any = false;
            while (driver.TryGetUsed(out ushort head, out uint length))
            {
                any = true;
                int slot = slotOfHead[head];
                Assert.Equal((uint)payload, length);
                var reply = memory.Get(data + (ulong)(slot * 2 * payload) + payload, payload);
                for (int i = 0; i < payload; i++) Assert.Equal((byte)(sent[slot]![i] ^ 0x5A), reply[i]);
                sent[slot] = null!;
                completed++;
            }
            if (!any && !driver.EnableInterrupts() && !call.Wait(10_000))
                Assert.Fail($"no interrupt from the child within 10 s ({completed}/{Requests}); stderr: {Drain(child)}");
        }
        Assert.True(child.WaitForExit(10_000), "child did not exit");
        Assert.True(child.ExitCode == 0, $"child exit code {child.ExitCode}: {child.StandardError.ReadToEnd()}");
    }

    private readonly int[] slotOfHead = new int[16];

    private static int FreeSlot(byte[][] sent)
    {
        for (int i = 0; i < sent.Length; i++) if (sent[i] is null) return i;
        throw new InvalidOperationException("no free slot");
    }

    private static string Drain(Process child)
    {
        if (!child.HasExited) child.Kill();
        child.WaitForExit(5000);
        return child.StandardError.ReadToEnd();
    }

    private static string PeerPath()
    {
        // bin/<Configuration>/net10.0 of this project → the same folder of the peer project
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        string tfm = here.Name, configuration = here.Parent!.Name;
        string src = here.Parent.Parent!.Parent!.Parent!.FullName;
        string path = Path.Combine(src, "IsmSpec.Virtio.Tests.Peer", "bin", configuration, tfm, "IsmSpec.Virtio.Tests.Peer.dll");
        Assert.True(File.Exists(path), $"peer not built: {path}");
        return path;
    }
}
