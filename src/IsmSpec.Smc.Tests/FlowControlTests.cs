namespace IsmSpec.Smc.Tests;

/// <summary>Flow control: a full ring blocks the writer until the peer consumes (spec/smc/stream-decisions.ism).</summary>
public class FlowControlTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(150);

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamFlowControl)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamWriteBlocked)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamConsUpdate)]
    public async Task A_write_larger_than_the_ring_blocks_with_write_blocked_until_the_peer_reads()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect(1024, 128);          // B's ring: 96 bytes
        using (a)
        using (b)
        {
            var data = Exchange.RandomBytes(new Random(1), 150);
            var write = a.WriteAsync(data).AsTask();
            await Task.Delay(Settle);
            Assert.False(write.IsCompleted);
            Assert.Equal(96UL, a.BytesSent);
            ref readonly var header = ref SmcdCdcMsg.ReadOnlyView(bed.Dmb(b.LocalToken));
            Assert.True(header.Cons.ProdFlags.WriteBlocked);
            Assert.Equal(0u, header.Prod.Count);               // 96 bytes = one full pass
            Assert.Equal((ushort)1, header.Prod.Wrap);

            var buffer = new byte[150];
            var n = b.Read(buffer.AsSpan(0, 10));        // the peer asked: this read sends a consumer update
            Assert.Equal(10, n);
            for (var waited = 0; a.BytesSent < 106 && waited < 10_000; waited += 10)
                await Task.Delay(10);
            await Task.Delay(Settle);
            Assert.False(write.IsCompleted);
            Assert.Equal(106UL, a.BytesSent);            // exactly the 10 freed bytes went out
            var rest = 0;
            while (rest < 140)
                rest += b.Read(buffer.AsSpan(10 + rest, 140 - rest));
            await write.WaitAsync(StreamBed.Timeout);
            Assert.Equal(data, buffer);
            Assert.False(SmcdCdcMsg.ReadOnlyView(bed.Dmb(b.LocalToken)).Cons.ProdFlags.WriteBlocked);
        }
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamWriteBlocked)]
    public async Task A_writer_finding_the_ring_full_sends_one_header_with_write_blocked_and_cons_curs_upd_req()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect(1024, 64);           // B's ring: 32 bytes
        using (a)
        using (b)
        {
            a.Write(new byte[32]);                    // fills the ring exactly: not blocked
            var header = SmcdCdcMsg.ReadOnlyView(bed.Dmb(b.LocalToken));
            Assert.False(header.Cons.ProdFlags.WriteBlocked);
            var cdcBefore = a.CdcWrites;
            var write = a.WriteAsync(new byte[] { 42 }).AsTask();
            await Task.Delay(Settle);
            Assert.False(write.IsCompleted);
            Assert.Equal(cdcBefore + 1, a.CdcWrites);     // header only, once
            Assert.Equal(1, a.PayloadWrites);              // still just the first payload write
            header = SmcdCdcMsg.ReadOnlyView(bed.Dmb(b.LocalToken));
            Assert.True(header.Cons.ProdFlags.WriteBlocked);
            Assert.True(header.Cons.ProdFlags.ConsCursUpdReq);
            Assert.Equal(1, b.Read(new byte[1]));         // one consumed byte is enough: the peer asked
            await write.WaitAsync(StreamBed.Timeout);
            Assert.Equal(33UL, a.BytesSent);
        }
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamConsUpdate)]
    public void Without_a_request_the_receiver_confirms_after_half_its_ring()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect(1024, 132);          // B's ring: 100 bytes
        using (a)
        using (b)
        {
            a.Write(new byte[60]);
            var sentByB = b.CdcWrites;
            Assert.Equal(49, b.Read(new byte[49]));
            Assert.Equal(sentByB, b.CdcWrites);           // 49 < 50: no update yet
            Assert.Equal(1, b.Read(new byte[1]));
            Assert.Equal(sentByB + 1, b.CdcWrites);       // 50 consumed since the last update
            var header = SmcdCdcMsg.ReadOnlyView(bed.Dmb(a.LocalToken));
            Assert.Equal(50u, header.Cons.Count);          // B's consumer cursor, in A's DMB
        }
    }
}
