using System.Buffers.Binary;
using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser.Tests.Support;
using IsmSpec.Virtio.Linux;
using IsmSpec.VirtioIsm.Host;
using Xunit.Abstractions;
using static IsmSpec.VhostUser.Tests.Support.IsmBed;

namespace IsmSpec.VhostUser.Tests.Backend;

/// <summary>
/// Issue 8 acceptance: at least 10,000 random or mutated messages against the back-end (FsCheck drives 200 batches of
/// 50 message seeds; a quarter of the batches first set a ring up for real and then scribble over the ring memory and
/// kick). No crash (an unexpected exception on a connection thread would take the test host down), and a victim guest
/// connected all along keeps allocating, detaching and reading its region after every batch.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const int Batches = 200, PerBatch = 50;
    private static readonly uint[] Known = Enumerable.Range(0, 46).Select(i => (uint)i).ToArray();

    [Fact]
    public void Ten_thousand_random_and_mutated_messages_crash_nothing_and_leave_other_clients_unaffected()
    {
        using var bed = new IsmBed(new IsmHostOptions { RegionCount = 8, RegionSize = 8192, VectorCount = 2 }, allowHostControl: false);
        using var victim = bed.Guest();
        var region = Alloc(victim, 4096)!.Value;
        Assert.True(victim.TryWrite(region.Offset, "kept"u8));
        long sent = 0, batches = 0;
        var clock = Stopwatch.StartNew();
        var property = Prop.ForAll(Gen.Zip(Gen.Elements(false, false, false, true), Gen.ArrayOf(Gen.Choose(0, int.MaxValue), PerBatch)).ToArbitrary(), batch =>
        {
            sent += RunBatch(bed.SocketPath, batch.Item1, batch.Item2);
            batches++;
            var extra = Alloc(victim, 64);
            var kept = new byte[4];
            bool ok = extra is { } e && Detach(victim, e.Offset) && victim.TryRead(region.Offset, kept) && kept.AsSpan().SequenceEqual("kept"u8);
            if (ok && batches % 50 == 0) using (var fresh = bed.Guest()) ok = Alloc(fresh, 64) is not null;
            return ok;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Batches).WithReplay(20261121UL, 0x9E3779B97F4A7C15UL), property);
        Assert.True(Eventually(() => bed.BackEnd.ConnectionCount == 1), $"{bed.BackEnd.ConnectionCount} connections left");
        output.WriteLine($"{sent} messages in {batches} batches, {clock.Elapsed.TotalSeconds:F1} s; {bed.BackEnd.Dropped} front-ends dropped");
        Assert.True(sent >= 10_000, $"only {sent} messages");
        Assert.Equal(1, bed.BackEnd.Host.RegionsInUse);
    }

    private static long RunBatch(string path, bool ring, int[] seeds)
    {
        long sent = 0;
        var client = new RawClient(path);
        using var memory = SharedMemoryRegion.Create("fuzz", 65536);
        using var kick = EventFd.Create();
        try
        {
            if (ring) sent += SetUpRing(client, memory, kick);
            foreach (int seed in seeds)
            {
                var r = new Random(seed);
                if (ring && r.Next(3) == 0) { r.NextBytes(memory.Span.Slice(r.Next(0, 60000), r.Next(1, 2048))); kick.Notify(); }
                var (bytes, fdKind) = Message(r);
                using var efd = EventFd.Create();
                using var mfd = SharedMemoryRegion.Create("fuzz-fd", 4096 * r.Next(1, 4));
                int[] fds = fdKind switch { 0 => [efd.FileDescriptor], 1 => [mfd.FileDescriptor], 2 => [efd.FileDescriptor, mfd.FileDescriptor], _ => [] };
                if (r.Next(60) == 0) bytes = bytes[..r.Next(1, Math.Min(bytes.Length, 12) + 1)];     // short header, then gone
                bool delivered = client.TrySend(bytes, fds) && client.Drain();
                sent++;
                if (!delivered || bytes.Length < VhostUserHeader.Size)
                {
                    client.Dispose();
                    client = new RawClient(path);
                }
            }
        }
        finally { client.Dispose(); }
        return sent;
    }

    /// <summary>A real ring over a memfd, so later scribbles and kicks reach the device's queue validation.</summary>
    private static int SetUpRing(RawClient c, SharedMemoryRegion memory, EventFd kick)
    {
        var msgs = new List<(byte[], int[])>
        {
            (Frame(VhostUserRequest.SetFeatures, U64((1UL << 32) | (1UL << 30) | (1UL << 1))), []),
        };
        var table = new byte[40];
        new VhostUserMemory { Nregions = 1 }.TryWrite(table);
        VhostUserMemory.SetRegions(table.AsSpan(8), 0, new VhostUserMemoryRegion { GuestPhysAddr = 0x10000, MemorySize = 65536, UserspaceAddr = 0x7000_0000 });
        msgs.Add((Frame(VhostUserRequest.SetMemTable, table), [memory.FileDescriptor]));
        msgs.Add((Frame(VhostUserRequest.SetVringNum, State(0, 16)), []));
        var addr = new byte[40];
        new VhostVringAddr { Index = 0, DescUserAddr = 0x7000_0000, AvailUserAddr = 0x7000_1000, UsedUserAddr = 0x7000_2000 }.TryWrite(addr);
        msgs.Add((Frame(VhostUserRequest.SetVringAddr, addr), []));
        msgs.Add((Frame(VhostUserRequest.SetVringKick, new byte[8]), [kick.FileDescriptor]));
        foreach (var (bytes, fds) in msgs) { c.TrySend(bytes, fds); c.Drain(); }
        kick.Notify();
        return msgs.Count;
    }

    private static (byte[] Bytes, int FdKind) Message(Random r)
    {
        uint request = r.Next(10) switch { < 8 => Known[r.Next(Known.Length)], 8 => 0x49534D01u + (uint)r.Next(2), _ => (uint)r.Next() };
        uint flags = r.Next(8) == 0 ? (uint)r.Next() : 1u | (r.Next(2) == 0 ? 8u : 0u);
        int[] lengths = [0, 8, 8, 12, 40, 40, 44, 72, 64, 24];
        int length = r.Next(8) == 0 ? r.Next(0, 300) : lengths[r.Next(lengths.Length)];
        var payload = new byte[length];
        r.NextBytes(payload);
        if (length >= 4 && r.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)r.Next(0, 5));
        if (length >= 8 && r.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(4), (uint)r.Next(0, 40));
        uint? size = r.Next(25) switch { 0 => (uint)r.Next(), 1 => (uint)(length + r.Next(1, 16)), 2 => (uint)Math.Max(0, length - r.Next(1, 8)), _ => null };
        return (RawClient.Frame(request, flags, payload, size), r.Next(7));
    }

    private static byte[] Frame(VhostUserRequest request, byte[] payload) => RawClient.Frame((uint)request, 1 | 8, payload);
    private static byte[] U64(ulong v) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return b; }
    private static byte[] State(uint i, uint n) { var b = new byte[8]; new VhostVringState { Index = i, Num = n }.TryWrite(b); return b; }
}
