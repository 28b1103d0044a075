using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Dibs;
using Ids = IsmSpec.Specs.Smc.SmcSpec.Ids;

namespace IsmSpec.Conformance.Smc;

/// <summary>Setup, DMB sizes, flow control, write_blocked, consumer updates and empty signals (SMC-STREAM-*).</summary>
public sealed partial class SmcStreamSuite
{
    /// <summary>Linear position of a cursor image at <paramref name="at"/> in a CDC message (fewer than 65536 wraps in a case).</summary>
    private static long Pos(byte[] h, int at, int ring) => (long)BitConverter.ToUInt16(h, at) * ring + BitConverter.ToUInt32(h, at + 2);

    /// <summary>SMC-STREAM-SETUP: query_remote_gid for the peer's GID comes before registering; an unreachable peer gets no DMB.</summary>
    [Checks(Ids.SmcStreamSetup)]
    public Property SetupChecksReachability() => ForAll(Gen.Elements(0, 0, -Errno.ENETUNREACH, -Errno.EIO, 1, 3).ToArbitrary(), rc =>
    {
        using var bed = Bed();
        bed.Rec.QueryResult = _ => rc;
        var (_, _, error) = bed.TryConnect(256, 256);
        var ops = bed.Rec.Ops.ToList();
        var regs = ops.Where(o => o.Op == "register_dmb").ToList();
        if (rc != 0)
        {
            SmcAssert.That(error is not null, $"setup succeeded although query_remote_gid answered {rc}");
            SmcAssert.Equal(0, regs.Count, $"register_dmb calls when query_remote_gid answered {rc}");
            return;
        }
        SmcAssert.That(error is null, $"setup failed with a reachable peer: {error?.Message}");
        foreach (var r in regs)
            SmcAssert.That(ops.Take(ops.IndexOf(r)).Any(q => q.Op == "query_remote_gid" && q.Rgid!.SequenceEqual(r.Dmb.Rgid.ToArray())), $"{r} without query_remote_gid for its rgid first");
    });

    /// <summary>SMC-STREAM-DMB-SIZE: receive DMBs of 64 B .. 1 MiB work (ring = size − 32); no DMB outside that range is registered.</summary>
    [Checks(Ids.SmcStreamDmbSize)]
    public Property DmbSizeRange() => ForAll(Gen.Frequency((4, Gen.Choose(64, 300)), (2, Gen.Choose(301, 70_000)), (1, Gen.Elements(64, 1 << 20)), (2, Gen.Choose(0, 63)), (1, Gen.Choose((1 << 20) + 1, 2 << 20))).ToArbitrary(), size =>
    {
        using var bed = Bed(new SmcdDeviceShape(SmcdBackend.Fake));
        var valid = size is >= 64 and <= 1 << 20;
        var (a, b, error) = bed.TryConnect(256, (uint)size);
        SmcAssert.That(bed.Ops("register_dmb").All(r => r.Size is >= 64 and <= 1 << 20), $"a DMB of {size} bytes was registered");
        if (!valid)
            return;
        SmcAssert.That(error is null, $"a {size}-byte receive DMB was refused: {error?.Message}");
        var data = Bytes(Math.Min(size - Cdc, 300), size);
        SmcdBed.Timed(() => a!.Write(data), "write");
        SmcAssert.That(ReadExactly(b!, data.Length, "read").AsSpan().SequenceEqual(data), "bytes differ");
    });

    /// <summary>SMC-STREAM-FLOW-CONTROL: unconfirmed bytes never exceed the peer's ring; a write larger than the free ring waits for the reader.</summary>
    [Checks(Ids.SmcStreamFlowControl)]
    public Property NeverOverrunsThePeerRing() => ForAll(Arb.Zip(Ints(64, 200), Arb.Zip(Ints(1, 600), Ints(1, 97))), c =>
    {
        var (dmb, (extra, chunk)) = c;
        var ring = dmb - Cdc;
        using var bed = Bed();
        var (a, b) = bed.Connect(256, (uint)dmb);
        var data = Bytes(ring + extra, extra);
        var writer = SmcdBed.Start(() => a.Write(data));
        SmcAssert.That(!writer.Wait(5), $"a write of {data.Length} bytes into a {ring}-byte ring completed without a reader");
        var got = new List<byte>();
        while (got.Count < data.Length)
            got.AddRange(ReadExactly(b, Math.Min(chunk, data.Length - got.Count), "reading in chunks"));
        SmcAssert.That(writer.Wait(SmcdBed.Timeout), "the writer did not finish after everything was read");
        SmcAssert.That(got.SequenceEqual(data), "the reader got other bytes (ring overrun?)");
        long confirmed = 0;
        foreach (var m in bed.Rec.Ops.Where(IsCdc))
        {
            if (m.Token == a.LocalToken) confirmed = Math.Max(confirmed, Pos(m.Data!, 16, ring));
            else if (m.Token == b.LocalToken)
                SmcAssert.That(Pos(m.Data!, 8, ring) - confirmed <= ring, $"producer cursor {Pos(m.Data!, 8, ring)} with only {confirmed} confirmed: more than the {ring}-byte ring unconfirmed");
        }
    });

    /// <summary>SMC-STREAM-WRITE-BLOCKED: write_blocked on a message whose data left bytes pending; one header-only message with write_blocked | cons_curs_upd_req when the ring is full.</summary>
    [Checks(Ids.SmcStreamWriteBlocked)]
    public Property WriteBlockedAnnounced() => ForAll(Arb.Zip(Ints(64, 160), Ints(1, 100)), c =>
    {
        var ring = c.Item1 - Cdc;
        using var bed = Bed();
        var (a, b) = bed.Connect(256, (uint)c.Item1);
        var total = ring + c.Item2;
        var writer = SmcdBed.Start(() => a.Write(Bytes(total, 1)));
        bool Announced() => Headers(bed, b.LocalToken).Any(h => (h[22] & 0x90) == 0x90);
        SmcAssert.That(SpinWait.SpinUntil(Announced, SmcdBed.Timeout), "no CDC message with write_blocked and cons_curs_upd_req while the ring was full");
        Thread.Sleep(5);
        var moves = bed.MovesTo(b.LocalToken).Where(m => m.Size > 0).ToList();
        var request = moves.FindIndex(m => IsCdc(m) && (m.Data![22] & 0x90) == 0x90);
        SmcAssert.That(request > 0 && IsCdc(moves[request - 1]), "the write_blocked | cons_curs_upd_req message came right after payload instead of on its own");
        SmcAssert.Equal(1, moves.Count(m => IsCdc(m) && (m.Data![22] & 0x10) != 0), "cons_curs_upd_req messages while blocked once");
        ReadExactly(b, total, "draining");
        SmcAssert.That(writer.Wait(SmcdBed.Timeout), "the writer did not finish");
        foreach (var h in Headers(bed, b.LocalToken).Where(h => Pos(h, 8, ring) < total && Pos(h, 8, ring) > 0))
            SmcAssert.That((h[22] & 0x80) != 0, $"a CDC message at producer position {Pos(h, 8, ring)} of {total} without write_blocked");
    });

    /// <summary>SMC-STREAM-CONS-UPDATE: after reads less than half the ring stays unconfirmed; a blocked peer gets the cursor after any read; messages carry the current consumer cursor.</summary>
    [Checks(Ids.SmcStreamConsUpdate)]
    public Property ConsumerUpdates() => ForAll(Arb.Zip(Ints(64, 300), Gen.ListOf(Gen.Choose(1, 120)).Select(l => l.Take(10).ToArray()).ToArbitrary()), c =>
    {
        var ring = c.Item1 - Cdc;
        using var bed = Bed();
        var (a, b) = bed.Connect(256, (uint)c.Item1);
        SmcdBed.Timed(() => b.Write(Bytes(7, 0)), "B's write");
        ReadExactly(a, 7, "A reads B's bytes");
        long consumed = 0;
        long ConsSeenByA() => FakePeer.Load((bed.Rec.Bytes(a.LocalToken) ?? throw new ConformanceViolation("A's DMB is gone")).Span, 16) is var (w, n) ? (long)w * ring + n : 0;
        foreach (var size in c.Item2)
        {
            var n = Math.Min(size, ring / 2);
            SmcdBed.Timed(() => a.Write(Bytes(n, size)), "write");
            ReadExactly(b, n, "read");
            consumed += n;
            SmcAssert.That(2 * (consumed - ConsSeenByA()) < ring, $"after consuming {consumed} bytes B confirmed only {ConsSeenByA()} (ring {ring}: half or more unconfirmed)");
        }
        foreach (var h in Headers(bed, b.LocalToken))
            SmcAssert.Equal(7L, Pos(h, 16, 224), "A's consumer cursor in its CDC messages after reading B's 7 bytes");
        var before = Headers(bed, b.LocalToken).Count;
        var writer = SmcdBed.Start(() => a.Write(Bytes(ring + 1, 2)));
        SmcAssert.That(SpinWait.SpinUntil(() => Headers(bed, b.LocalToken).Skip(before).Any(h => (h[22] & 0x10) != 0), SmcdBed.Timeout), "the writer never asked for a consumer update (cons_curs_upd_req) on the full ring");
        ReadExactly(b, 1, "one byte after the peer blocked");
        SmcAssert.Equal(consumed + 1, ConsSeenByA(), "consumer cursor B sent right after a read while A was blocked");
        ReadExactly(b, ring, "draining");
        SmcAssert.That(writer.Wait(SmcdBed.Timeout), "the writer did not finish");
    });

    /// <summary>SMC-STREAM-NO-EMPTY-SIGNAL: no signalled move_data of size 0, whatever is written (empty writes too), read, closed or aborted.</summary>
    [Checks(Ids.SmcStreamNoEmptySignal)]
    public Property NoEmptySignalledWrite() => ForAll(Arb.Zip(Gen.ListOf(Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 150)))).Select(l => l.Take(10).ToArray()).ToArbitrary(), Ints(0, 2)), c =>
    {
        using var bed = Bed();
        var (a, b) = bed.Connect(256, 200);
        foreach (var n in c.Item1.Select(n => Math.Min(n, 84)))
        {
            SmcdBed.Timed(() => a.Write(Bytes(n, n)), $"write of {n} bytes");
            if (n > 0) ReadExactly(b, n, "read");
        }
        switch (c.Item2)
        {
            case 0: a.ShutdownWrite(); b.Dispose(); a.Dispose(); break;
            case 1: a.Dispose(); b.Dispose(); break;
            default: b.Abort(); a.Dispose(); break;
        }
        var empty = bed.Ops("move_data").Where(m => m.Sf && m.Size == 0 && m.Rc != int.MinValue).ToList();
        SmcAssert.That(empty.Count == 0, $"signalled empty move_data: {string.Join(", ", empty)}");
    });
}
