namespace IsmSpec.Smc.Tests;

/// <summary>Graceful close, half-close and abort (spec/smc/stream-decisions.ism SMC-STREAM-CLOSE / -ABORT).</summary>
public class CloseAbortTests
{
    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamClose)]
    public void After_a_close_the_peer_reads_every_byte_then_end_of_stream_and_its_writes_fail()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect(1024, 1024);
        using (b)
        {
            a.Write("hello"u8);
            a.Dispose();
            var header = SmcdCdcMsg.ReadOnlyView(bed.Dmb(b.LocalToken));
            Assert.True(header.Cons.ConnStateFlags.PeerDoneWriting);
            Assert.True(header.Cons.ConnStateFlags.PeerConnClosed);
            Assert.False(header.Cons.ConnStateFlags.PeerConnAbort);
            var buffer = new byte[16];
            Assert.Equal(5, b.Read(buffer));
            Assert.Equal("hello"u8.ToArray(), buffer[..5]);
            Assert.Equal(0, b.Read(buffer));
            Assert.Equal(0, b.Read(buffer));
            Assert.Throws<IOException>(() => b.Write("x"u8));
            Assert.Throws<ObjectDisposedException>(() => a.Read(buffer));
        }
        Assert.Equal(0, bed.Loopback.DmbCount);
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamClose)]
    public void A_half_close_ends_one_direction_and_the_other_keeps_working()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect(256, 256);
        using (a)
        using (b)
        {
            a.Write("ping"u8);
            a.ShutdownWrite();
            Assert.True(SmcdCdcMsg.ReadOnlyView(bed.Dmb(b.LocalToken)).Cons.ConnStateFlags.PeerDoneWriting);
            Assert.False(SmcdCdcMsg.ReadOnlyView(bed.Dmb(b.LocalToken)).Cons.ConnStateFlags.PeerConnClosed);
            var buffer = new byte[8];
            Assert.Equal(4, b.Read(buffer));
            Assert.Equal(0, b.Read(buffer));
            b.Write("pong"u8);
            Assert.Equal(4, a.Read(buffer));
            Assert.Equal("pong"u8.ToArray(), buffer[..4]);
            Assert.Throws<InvalidOperationException>(() => a.Write("again"u8));
        }
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamAbort)]
    public void An_abort_fails_the_peers_reads_even_with_unread_data_and_its_writes()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect(1024, 1024);
        using (b)
        {
            a.Write("unread"u8);
            a.Abort();
            Assert.True(SmcdCdcMsg.ReadOnlyView(bed.Dmb(b.LocalToken)).Cons.ConnStateFlags.PeerConnAbort);
            Assert.Throws<IOException>(() => b.Read(new byte[8]));
            Assert.Throws<IOException>(() => b.Write("x"u8));
        }
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamAbort)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamClose)]
    public async Task Waiting_readers_and_writers_wake_up_on_abort_and_on_close()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect(64, 64);
        using (b)
        {
            var read = b.ReadAsync(new byte[4]).AsTask();
            await Task.Delay(50);
            Assert.False(read.IsCompleted);
            a.Abort();
            await Assert.ThrowsAsync<IOException>(() => read.WaitAsync(StreamBed.Timeout));
        }
        var (c, d) = bed.Connect(64, 64);
        using (c)
        {
            c.Write(new byte[32]);
            var write = c.WriteAsync(new byte[10]).AsTask();
            await Task.Delay(50);
            Assert.False(write.IsCompleted);
            d.Dispose();
            await Assert.ThrowsAsync<IOException>(() => write.WaitAsync(StreamBed.Timeout));
        }
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamProtocolError)]
    public void A_corrupt_cdc_message_aborts_the_connection_on_both_sides()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect(256, 256);
        using (a)
        using (b)
        {
            a.Write("ok"u8);
            Span<byte> bad = stackalloc byte[32];
            bed.Dmb(b.LocalToken)[..32].CopyTo(bad);
            bad[0] = 0x12;                                 // not 0xFE
            bed.Loopback.MoveData(bed.Loopback.Device, b.LocalToken, 0, true, 0, bad);
            var e = Assert.Throws<IOException>(() => b.Read(new byte[4]));
            Assert.Contains("0x12", e.Message);
            Assert.True(SmcdCdcMsg.ReadOnlyView(bed.Dmb(a.LocalToken)).Cons.ConnStateFlags.PeerConnAbort);
            Assert.Throws<IOException>(() => a.Read(new byte[4]));

            var (c, d) = bed.Connect(256, 256);
            using (c)
            using (d)
            {
                var msg = CdcHeader.Compose(producer: 300, peerRing: 224, consumer: 0, ownRing: 224, default, default);
                msg.TryWrite(bad);                         // producer 300 > one ring ahead of d's consumer 0
                bed.Loopback.MoveData(bed.Loopback.Device, d.LocalToken, 0, true, 0, bad);
                Assert.Throws<IOException>(() => d.Read(new byte[4]));
            }
        }
    }
}
