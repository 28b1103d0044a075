using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.Smc.Tests;

/// <summary>The exact bytes of the CDC message a write leaves in the peer's DMB, and the cursor arithmetic.</summary>
public class CdcHeaderTests
{
    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcCdcType)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcCdcFlagsInCons)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcCdcNativeOrder)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcDmbHeaderAtZero)]
    public void After_wrapping_writes_the_peer_dmb_holds_the_expected_header_bytes_and_ring()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect(1024, 64);           // B's ring: 32 bytes
        using (a)
        using (b)
        {
            var data = Enumerable.Range(1, 100).Select(i => (byte)i).ToArray();
            var reader = Task.Run(() =>
            {
                var got = new byte[100];
                for (var n = 0; n < 100;)
                    n += b.Read(got.AsSpan(n));
                return got;
            });
            a.Write(data);
            Assert.Equal(data, Exchange.Await(reader));
            b.Write(new byte[7]);                      // B's message into A's DMB carries B's consumer cursor (100 = wrap 3, count 4)

            var inB = bed.Dmb(b.LocalToken);
            Assert.Equal(0xFE, inB[0]);
            Assert.True(inB[1..8].IndexOfAnyExcept((byte)0) < 0);                                 // res1
            Assert.Equal((ushort)3, BinaryPrimitives.ReadUInt16LittleEndian(inB[8..]));           // prod wrap: 100 / 32
            Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(inB[10..]));                 // prod count: 100 % 32
            Assert.Equal(0, inB[14]);                                                             // prod cursor flags unused
            Assert.Equal(0, inB[15]);
            Assert.True(inB[24..32].IndexOfAnyExcept((byte)0) < 0);                               // res3
            Assert.Equal(data[96..100], inB[32..36].ToArray());                                    // ring bytes 0..3 = stream bytes 96..99

            var inA = bed.Dmb(a.LocalToken);
            Assert.Equal(0xFE, inA[0]);
            Assert.Equal((ushort)0, BinaryPrimitives.ReadUInt16LittleEndian(inA[8..]));           // B's producer: 7 in a 992-byte ring
            Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(inA[10..]));
            Assert.Equal((ushort)3, BinaryPrimitives.ReadUInt16LittleEndian(inA[16..]));          // B's consumer cursor in its 32-byte ring
            Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(inA[18..]));
            Assert.Equal(0, inA[22]);                                                             // flags live here (none set)
            Assert.Equal(0, inA[23]);
            Assert.True(SmcdCdcMsg.ReadOnlyView(inA).Validate(out var error), error);

            b.Dispose();
            Assert.Equal(0xC0, inA[23]);               // peer_done_writing | peer_conn_closed, in the cons cursor
        }
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientSmcWriteOrder)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamNoEmptySignal)]
    public void A_write_that_wraps_is_two_unsignalled_payload_writes_then_one_signalled_header()
    {
        using var bed = new TraceBed();
        var (a, b) = bed.Connect(1024, 64);           // B's ring: 32 bytes
        using (a)
        using (b)
        {
            a.Write(new byte[27]);
            b.Read(new byte[27]);                      // B confirms (27 ≥ half of 32)
            bed.Trace.Moves.Clear();
            a.Write(new byte[20]);                     // ring offset 27: 5 bytes to the end, 15 from the start
            var toB = bed.Trace.Moves.Where(m => m.Token == b.LocalToken).ToArray();
            Assert.Equal(new[] { (b.LocalToken, 0u, false, 32u + 27u, 5), (b.LocalToken, 0u, false, 32u, 15), (b.LocalToken, 0u, true, 0u, 32) }, toB);
            Assert.DoesNotContain(bed.Trace.Moves, m => m.Sf && m.Size == 0);
        }
    }

    [Fact]
    public void Cursor_positions_round_trip_through_the_wire_cursor_across_the_16_bit_wrap()
    {
        var cases = Gen.Elements(32u, 33u, 992u, 16352u).SelectMany(ring =>
            Gen.Choose(0, int.MaxValue).SelectMany(hi => Gen.Choose(0, (int)ring).Select(ahead =>
                (ring, baseline: (ulong)hi * 977UL, ahead: (ulong)ahead))));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var cursor = SmcdCursor.FromPosition(c.baseline + c.ahead, c.ring);
            return SmcdCursor.TryResolve(c.baseline, c.ring, cursor, out var position) && position == c.baseline + c.ahead
                && cursor.Count < c.ring && cursor.Wrap == (ushort)((c.baseline + c.ahead) / c.ring);
        });
        PropertyRunner.Check(property, 500, "SMC-D cursor round trip");
        var nearWrap = 65535UL * 32 + 30;              // wrap 0xFFFF, count 30; 10 bytes later: wrap 0, count 8
        Assert.True(SmcdCursor.TryResolve(nearWrap, 32, SmcdCursor.FromPosition(nearWrap + 10, 32), out var p));
        Assert.Equal(nearWrap + 10, p);
        Assert.Equal((ushort)0, SmcdCursor.FromPosition(nearWrap + 10, 32).Wrap);
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamProtocolError)]
    public void Unreachable_remote_cursors_are_rejected()
    {
        var at = SmcdCursor.FromPosition(100, 32);     // wrap 3, count 4
        Assert.False(SmcdCursor.TryResolve(100, 32, new SmcdCdcCursor { Wrap = 3, Count = 3 }, out _));   // behind
        Assert.False(SmcdCursor.TryResolve(100, 32, new SmcdCdcCursor { Wrap = 4, Count = 5 }, out _));   // more than a ring ahead
        Assert.False(SmcdCursor.TryResolve(100, 32, new SmcdCdcCursor { Wrap = 5, Count = 0 }, out _));   // two wraps ahead
        Assert.False(SmcdCursor.TryResolve(100, 32, new SmcdCdcCursor { Wrap = 3, Count = 32 }, out _));  // count outside the ring
        Assert.True(SmcdCursor.TryResolve(100, 32, new SmcdCdcCursor { Wrap = 4, Count = 4 }, out var full));
        Assert.Equal(132UL, full);
        Assert.True(SmcdCursor.TryResolve(100, 32, at, out var same));
        Assert.Equal(100UL, same);
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamCursorAtomic)]
    public void The_receiver_reads_cursors_as_whole_8_byte_words_from_the_dmb()
    {
        var dmb = new byte[64];
        var msg = CdcHeader.Compose(70, 32, 5, 32, new SmcdProdFlags { WriteBlocked = true }, new SmcdConnStateFlags { PeerDoneWriting = true });
        msg.TryWrite(dmb);
        var read = CdcHeader.Read(dmb);
        Assert.Equal(msg, read);
        Assert.Equal(0x80, dmb[22]);
        Assert.Equal(0x80, dmb[23]);
        Assert.Throws<ArgumentException>(() => CdcHeader.Read(new byte[16]));
    }

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamCursorAtomic)]
    public void A_reader_racing_the_first_message_into_a_fresh_dmb_never_sees_cursors_without_the_type()
    {
        // The first CDC message turns an all-zero header into type 0xFE + cursors. A reader that loaded the type
        // before the cursors could see type 0 with the new cursors (a "protocol error"); cursors are read first.
        // A race detector: four rounds of 2^18 fresh headers, each written while the reader reads it.
        var (torn, complete) = (0, 0);
        for (var round = 0; round < 4; round++)
        {
            var (t, c) = RaceFirstMessages(1 << 18);
            (torn, complete) = (torn + t, complete + c);
        }
        Assert.Equal(0, torn);
        Assert.True(complete > 0, "the reader never overlapped the writer");
    }

    private static (int Torn, int Complete) RaceFirstMessages(int headers)
    {
        var fresh = GC.AllocateArray<byte>(headers * SmcdCdcMsg.Size, pinned: true);
        var message = new byte[SmcdCdcMsg.Size];
        CdcHeader.Compose(14, 1 << 20, 9, 1 << 20, default, default).TryWrite(message);
        int current = -1, torn = 0, complete = 0;
        var reader = new Thread(() =>
        {
            while (Volatile.Read(ref current) < headers - 1)
            {
                var at = Math.Max(0, Volatile.Read(ref current));
                var msg = CdcHeader.Read(fresh.AsSpan(at * SmcdCdcMsg.Size, SmcdCdcMsg.Size));
                if (msg.Type == 0 && (msg.Prod.Count != 0 || msg.Cons.Count != 0))
                    torn++;
                else if (msg.Type != 0)
                    complete++;
            }
        });
        reader.Start();
        for (var i = 0; i < headers; i++)
        {
            Volatile.Write(ref current, i);
            Thread.SpinWait(i % 7);
            message.CopyTo(fresh.AsSpan(i * SmcdCdcMsg.Size));
        }
        reader.Join();
        return (torn, complete);
    }
}
