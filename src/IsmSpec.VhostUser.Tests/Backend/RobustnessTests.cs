using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser.Tests.Support;
using IsmSpec.Virtio.Linux;
using static IsmSpec.VhostUser.Tests.Support.IsmBed;

namespace IsmSpec.VhostUser.Tests.Backend;

/// <summary>Issue 8 item 6: each malformed message gets an error reply or costs only its own client.</summary>
public class RobustnessTests
{
    private const uint NeedReply = 1 | 8;

    private static ulong Ack(RawClient c, uint request, ReadOnlySpan<byte> payload, ReadOnlySpan<int> fds = default)
    {
        Assert.True(c.TrySend(RawClient.Frame(request, NeedReply, payload), fds));
        using var reply = c.Vhost.Receive(TimeSpan.FromSeconds(3));
        Assert.Equal(request, reply.Request);
        Assert.True(reply.Flags.Reply);
        Assert.True(reply.TryReadExact(out VhostUserU64 value));
        return value.ValueField;
    }

    private static byte[] State(uint index, uint num)
    {
        var b = new byte[8];
        new VhostVringState { Index = index, Num = num }.TryWrite(b);
        return b;
    }

    [Fact]
    public void Refusals_answer_a_nonzero_ack_and_the_connection_keeps_working()
    {
        using var bed = new IsmBed();
        using var victim = bed.Guest();
        using var c = new RawClient(bed.SocketPath);
        using var efd = EventFd.Create();
        using var memfd = SharedMemoryRegion.Create("t", 65536);
        Assert.Equal(1UL, Ack(c, 0x7777, []));                                       // unknown request id
        Assert.Equal(1UL, Ack(c, (uint)VhostUserRequest.SetVringNum, State(9, 16)));  // no ring 9 (2 queues + 2 vectors)
        Assert.Equal(1UL, Ack(c, (uint)VhostUserRequest.SetVringNum, State(0, 17)));  // not a power of two
        Assert.Equal(1UL, Ack(c, (uint)VhostUserRequest.SetOwner, [], [efd.FileDescriptor]));     // extra descriptor
        Assert.Equal(1UL, Ack(c, (uint)VhostUserRequest.SetVringKick, new byte[8]));              // missing descriptor
        var table = new byte[40];
        new VhostUserMemory { Nregions = 1 }.TryWrite(table);
        VhostUserMemory.SetRegions(table.AsSpan(8), 0, new VhostUserMemoryRegion { GuestPhysAddr = 0, MemorySize = 1 << 20, UserspaceAddr = 0x1000 });
        Assert.Equal(1UL, Ack(c, (uint)VhostUserRequest.SetMemTable, table, [memfd.FileDescriptor]));   // 1 MiB of a 64 KiB memfd
        Assert.Equal(1UL, Ack(c, (uint)VhostUserRequest.SetVringAddr, new byte[40]));                    // no memory table
        Assert.Equal(0UL, Ack(c, (uint)VhostUserRequest.SetVringNum, State(0, 16)));                     // still served
        Assert.NotNull(Alloc(victim, 64));
        Assert.Equal(0, bed.BackEnd.Dropped);
    }

    [Theory]
    [InlineData("short header")]
    [InlineData("size over the limit")]
    [InlineData("reply flag set")]
    [InlineData("refusal without NEED_REPLY")]
    [InlineData("nine descriptors")]
    public void Framing_errors_drop_only_that_client(string what)
    {
        using var bed = new IsmBed();
        using var victim = bed.Guest();
        var region = Alloc(victim, 64)!.Value;
        using var c = new RawClient(bed.SocketPath);
        var fds = new List<EventFd>();
        switch (what)
        {
            case "short header": c.TrySend(RawClient.Frame(1, 1, [])[..7]); c.Vhost.Shutdown(); break;
            case "size over the limit": c.TrySend(RawClient.Frame(1, 1, [], sizeField: 1 << 20)); break;
            case "reply flag set": c.TrySend(RawClient.Frame(1, 5, [])); break;
            case "refusal without NEED_REPLY": c.TrySend(RawClient.Frame((uint)VhostUserRequest.SetVringNum, 1, State(0, 3))); break;
            default:
                for (int i = 0; i < 9; i++) fds.Add(EventFd.Create());
                c.TrySend(RawClient.Frame(3, 1, []), fds.Select(f => f.FileDescriptor).ToArray()[..8]);
                c.TrySend(RawClient.Frame(3, 1, [1]), [fds[8].FileDescriptor]);     // 9 descriptors for one message
                break;
        }
        if (what != "short header") Assert.True(c.ClosedWithin(3000), $"{what}: the client was not dropped");
        Assert.True(Eventually(() => bed.BackEnd.ConnectionCount == 1), "the hostile connection is still served");
        Assert.True(victim.TryRead(region.Offset, new byte[8]));
        Assert.NotNull(Alloc(victim, 64));
        fds.ForEach(f => f.Dispose());
    }
}
