using System.Diagnostics;
using IsmSpec.Specs.VhostUser;
using IsmSpec.Virtio.Linux;

namespace IsmSpec.VhostUser.Tests;

/// <summary>Framing over a socketpair (research §5.1, §5.5): one sendmsg, descriptors on the first byte, bounded receives.</summary>
public sealed class FramingTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private static VhostUserHeaderFlags V1 => VhostUserHeaderFlags.FromValue(1);

    [Fact]
    public void Header_and_payload_round_trip_through_the_generated_codecs()
    {
        var (a, b) = VhostUserSocket.CreatePair();
        using (a) using (b)
        {
            byte[] payload = new byte[VhostVringState.Size];
            new VhostVringState { Index = 1, Num = 256 }.TryWrite(payload);
            var flags = V1;
            flags.NeedReply = true;
            a.Send((uint)VhostUserRequest.SetVringNum, flags, payload);
            using var m = b.Receive(Short);
            Assert.Equal((uint)VhostUserRequest.SetVringNum, m.Request);
            Assert.Equal(1, m.Flags.Version);
            Assert.True(m.Flags.NeedReply);
            Assert.False(m.Flags.Reply);
            Assert.Equal(0x9u, m.Header.Flags.Value);
            Assert.True(m.TryReadExact(out VhostVringState state));
            Assert.Equal((1u, 256u), (state.Index, state.Num));
            Assert.Equal(0, m.FdCount);
        }
    }

    [Fact]
    public void An_eventfd_and_a_memfd_really_arrive_and_work_on_the_other_side()
    {
        var (a, b) = VhostUserSocket.CreatePair();
        using var kick = EventFd.Create();
        using var memory = SharedMemoryRegion.Create("framing-test", 4096);
        "hello from a"u8.CopyTo(memory.Span);
        using (a) using (b)
        {
            a.Send((uint)VhostUserRequest.SetMemTable, V1, new byte[8], [kick.FileDescriptor, memory.FileDescriptor]);
            using var m = b.Receive(Short);
            Assert.Equal(2, m.FdCount);
            using var theirKick = EventFd.FromInherited(m.TakeFd(0));
            using var theirMemory = SharedMemoryRegion.OpenInherited(m.TakeFd(1));
            Assert.NotEqual(kick.FileDescriptor, theirKick.FileDescriptor);

            kick.Notify();                                   // one counter, two descriptors
            Assert.True(theirKick.Wait(1000));
            theirKick.Notify();
            Assert.True(kick.Wait(1000));

            Assert.Equal("hello from a"u8.ToArray(), theirMemory.Span[..12].ToArray());
            "reply from b"u8.CopyTo(theirMemory.Span[100..]);  // one mapping, two processes' views
            Assert.Equal("reply from b"u8.ToArray(), memory.Span.Slice(100, 12).ToArray());
        }
    }

    [Fact]
    public void Untaken_descriptors_are_closed_with_the_message()
    {
        var (a, b) = VhostUserSocket.CreatePair();
        using var call = EventFd.Create();
        using (a) using (b)
        {
            a.Send((uint)VhostUserRequest.SetVringCall, V1, new byte[8], [call.FileDescriptor]);
            var m = b.Receive(Short);
            int fd = m.TakeFd(0);
            Assert.Throws<InvalidOperationException>(() => m.TakeFd(0));
            m.Dispose();
            Assert.True(File.Exists($"/proc/self/fd/{fd}"));  // taken: still ours to close
            EventFd.FromInherited(fd).Dispose();
        }
    }

    [Fact]
    public void More_than_eight_descriptors_are_refused_before_sending()
    {
        var (a, b) = VhostUserSocket.CreatePair();
        using (a) using (b)
        {
            int[] nine = Enumerable.Repeat(a.Handle, 9).ToArray();
            Assert.Throws<ArgumentException>(() => a.Send(1, V1, [], nine));
        }
    }

    [Fact]
    public void An_oversized_size_is_an_error_and_breaks_the_connection()
    {
        var (a, b) = VhostUserSocket.CreatePair();
        using (a) using (b)
        {
            a.SendRaw(Header(1, 0x5, uint.MaxValue));
            var e = Assert.Throws<VhostUserProtocolException>(() => b.Receive(Short));
            Assert.Equal(VhostUserError.PayloadTooLarge, e.Error);
            Assert.Equal(VhostUserError.Broken, Assert.Throws<VhostUserProtocolException>(() => b.Receive(Short)).Error);
        }
    }

    [Fact]
    public void A_silent_peer_times_out_and_a_stalled_payload_too()
    {
        var (a, b) = VhostUserSocket.CreatePair();
        using (a) using (b)
        {
            var watch = Stopwatch.StartNew();
            Assert.Throws<VhostUserTimeoutException>(() => b.Receive(Short));
            Assert.InRange(watch.ElapsedMilliseconds, 250, 5000);
        }
        (a, b) = VhostUserSocket.CreatePair();
        using (a) using (b)
        {
            a.SendRaw(Header(1, 0x5, 8));                    // promises 8 bytes, sends none
            var e = Assert.Throws<VhostUserTimeoutException>(() => b.Receive(Short));
            Assert.Contains("middle", e.Message);
        }
    }

    [Fact]
    public void End_of_stream_inside_a_message_is_connection_closed()
    {
        var (a, b) = VhostUserSocket.CreatePair();
        using (b)
        {
            a.SendRaw(Header(1, 0x5, 8).Concat(new byte[3]).ToArray());
            a.Dispose();
            Assert.Equal(VhostUserError.ConnectionClosed, Assert.Throws<VhostUserProtocolException>(() => b.Receive(Short)).Error);
        }
    }

    [Fact]
    public void A_header_split_over_several_writes_is_reassembled()
    {
        var (a, b) = VhostUserSocket.CreatePair();
        using (a) using (b)
        {
            byte[] bytes = Header((uint)VhostUserRequest.GetFeatures, 0x5, 8).Concat(BitConverter.GetBytes(0x1234UL)).ToArray();
            var writer = new Thread(() =>
            {
                foreach (var chunk in bytes.Chunk(5)) { a.SendRaw(chunk); Thread.Sleep(10); }
            });
            writer.Start();
            using var m = b.Receive(TimeSpan.FromSeconds(5));
            writer.Join();
            Assert.True(m.TryReadExact(out VhostUserU64 v));
            Assert.Equal(0x1234UL, v.ValueField);
        }
    }

    internal static byte[] Header(uint request, uint flags, uint size)
    {
        byte[] b = new byte[VhostUserHeader.Size];
        new VhostUserHeader { Request = request, Flags = VhostUserHeaderFlags.FromValue(flags), SizeField = size }.TryWrite(b);
        return b;
    }
}
