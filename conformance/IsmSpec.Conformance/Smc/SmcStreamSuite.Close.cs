using FsCheck;
using FsCheck.Fluent;
using Ids = IsmSpec.Specs.Smc.SmcSpec.Ids;

namespace IsmSpec.Conformance.Smc;

/// <summary>Close, abort, protocol errors, atomic cursor reads and device removal (SMC-STREAM-*).</summary>
public sealed partial class SmcStreamSuite
{
    private static byte LastConnFlags(SmcdBed bed, ulong token) => Headers(bed, token) is { Count: > 0 } h ? h[^1][23] : (byte)0;

    /// <summary>SMC-STREAM-CLOSE: half-close → peer_done_writing, close → also peer_conn_closed; the peer drains, sees end of stream, and writes to a closed peer fail.</summary>
    [Checks(Ids.SmcStreamClose)]
    public Property CloseAndHalfClose() => ForAll(Arb.Zip(Ints(0, 150), ArbMap.Default.ArbFor<bool>()), c =>
    {
        var (n, half) = c;
        using var bed = Bed();
        var (a, b) = bed.Connect(256, 256);
        var data = Bytes(n, 5);
        SmcdBed.Timed(() => a.Write(data), "write");
        if (half) a.ShutdownWrite(); else a.Dispose();
        var flags = LastConnFlags(bed, b.LocalToken);
        SmcAssert.That(half ? (flags & 0xC0) == 0x80 : (flags & 0xC0) == 0xC0, $"conn_state_flags 0x{flags:x2} after {(half ? "a half-close" : "a close")}");
        SmcAssert.That(ReadExactly(b, n, "reading what was sent before the close").AsSpan().SequenceEqual(data), "bytes differ");
        SmcAssert.Equal(0, SmcdBed.Timed(() => b.Read(new byte[8]), "read at end of stream"), "read after the peer's close");
        if (half)
        {
            SmcdBed.Timed(() => b.Write(Bytes(10, 1)), "writing back to a half-closed peer");
            ReadExactly(a, 10, "the half-closed side still reads");
        }
        else
            SmcAssert.That(SmcdBed.FailsWithIo(() => b.Write(Bytes(10, 1))), "a write to a closed peer did not fail with IOException");
    });

    /// <summary>SMC-STREAM-ABORT: peer_conn_abort; the peer's pending and later reads and its writes fail at once, unread bytes are dropped.</summary>
    [Checks(Ids.SmcStreamAbort)]
    public Property AbortFailsThePeer() => ForAll(Arb.Zip(Ints(0, 150), ArbMap.Default.ArbFor<bool>()), c =>
    {
        var (n, pending) = c;
        using var bed = Bed();
        var (a, b) = bed.Connect(256, 256);
        Task<int>? reader = pending ? SmcdBed.Start(() => b.Read(new byte[8])) : null;
        if (!pending) SmcdBed.Timed(() => a.Write(Bytes(n, 2)), "write");
        a.Abort();
        SmcAssert.That((LastConnFlags(bed, b.LocalToken) & 0x20) != 0, "no CDC message with peer_conn_abort");
        if (reader is not null)
        {
            var failed = false;
            try { failed = reader.Wait(SmcdBed.Timeout) && false; } catch (AggregateException e) { failed = e.InnerException is IOException; }
            SmcAssert.That(failed, "a read pending at the abort did not fail with IOException");
        }
        SmcAssert.That(SmcdBed.FailsWithIo(() => b.Read(new byte[8]), TimeSpan.FromSeconds(1)), $"a read after the abort did not fail at once ({(pending ? 0 : n)} bytes unread)");
        SmcAssert.That(SmcdBed.FailsWithIo(() => b.Write(Bytes(4, 1)), TimeSpan.FromSeconds(1)), "a write after the abort did not fail");
    });

    /// <summary>SMC-STREAM-PROTOCOL-ERROR: a bad type or an unreachable cursor from the peer aborts the connection (read fails, peer_conn_abort sent).</summary>
    [Checks(Ids.SmcStreamProtocolError)]
    public Property BadMessagesAbort() => ForAll(Arb.Zip(Ints(0, 3), Ints(1, 0xFD)), c =>
    {
        var (kind, x) = c;
        using var bed = Bed();
        var (a, b) = bed.Connect(256, 256);
        const int ring = 224;
        var dmb = (bed.Rec.Bytes(b.LocalToken) ?? throw new ConformanceViolation("B's DMB is gone")).Span;
        var (type, prod) = kind switch
        {
            0 => ((byte)(x == 0xFE - 1 ? 0xFF : x), FakePeer.Cursor(0, 1)),     // a type other than 0xFE
            1 => ((byte)0, FakePeer.Cursor(0, (uint)x % ring + 1)),             // type 0 but not the all-zero fresh header
            2 => ((byte)0xFE, FakePeer.Cursor(0, ring + (uint)x)),              // count outside the ring
            _ => ((byte)0xFE, FakePeer.Cursor((ushort)(2 + x % 100), 5)),       // more than one ring ahead
        };
        FakePeer.Header(dmb, type, prod);
        bed.Rec.RaiseIrq(b.LocalToken, 0x1000);
        SmcAssert.That(SmcdBed.FailsWithIo(() => b.Read(new byte[8])), $"a read after a bad CDC message (type 0x{type:x2}, prod 0x{prod:x16}) did not fail");
        SmcAssert.That((LastConnFlags(bed, a.LocalToken) & 0x20) != 0, "the receiver of a bad CDC message sent no peer_conn_abort");
    });

    /// <summary>
    /// SMC-STREAM-CURSOR-ATOMIC: the suite produces through a ring over 64 KiB, so the cursor's count crosses the
    /// middle of the 8-byte word, publishing each cursor with one aligned 8-byte store while the receiver reads; a torn
    /// load shows up as a protocol error or wrong bytes. (A race detector: it can miss a non-atomic reader.)
    /// </summary>
    [Checks(Ids.SmcStreamCursorAtomic)]
    public Property CursorsAreReadWhole() => ForAll(Ints(0, 1000), seed =>
    {
        const int ring = 0x10000 + 0x300;
        using var bed = Bed(new SmcdDeviceShape(SmcdBackend.Fake));
        var (a, b) = bed.Connect(256, ring + Cdc);
        var data = Bytes(ring * 2 + 777, seed);
        var reader = SmcdBed.Start(() => ReadExactly(b, data.Length, "reading under a racing producer"));
        var random = new Random(seed);
        long produced = 0;
        var deadline = DateTime.UtcNow + SmcdBed.Timeout;
        while (produced < data.Length && DateTime.UtcNow < deadline && !reader.IsCompleted)
        {
            var (w, n) = FakePeer.Load((bed.Rec.Bytes(a.LocalToken) ?? throw new ConformanceViolation("A's DMB is gone")).Span, 16);
            var free = ring - (produced - ((long)w * ring + n));
            var k = (int)Math.Min(Math.Min(free, random.Next(1, 4096)), data.Length - produced);
            if (k <= 0) { Thread.Yield(); continue; }
            FakePeer.Send(bed, b.LocalToken, ring, produced, data.AsSpan((int)produced, k));
            produced += k;
        }
        SmcAssert.That(reader.Wait(SmcdBed.Timeout + TimeSpan.FromSeconds(1)), "the reader did not finish");
        SmcAssert.That(reader.IsCompletedSuccessfully && reader.Result.AsSpan().SequenceEqual(data), reader.IsFaulted ? reader.Exception!.InnerException!.Message : "the reader got other bytes (a torn cursor?)");
    });

    /// <summary>SMC-STREAM-DEVICE-GONE: del_dev fails every connection on the device and unregisters their DMBs before it returns.</summary>
    [Checks(Ids.SmcStreamDeviceGone)]
    public Property DeviceRemovalEndsConnections() => ForAll(Arb.Zip(Ints(1, 3), Ints(0, 100)), c =>
    {
        using var bed = Bed();
        var pairs = Enumerable.Range(0, c.Item1).Select(_ => bed.Connect(256, 256)).ToList();
        foreach (var (a, _) in pairs) SmcdBed.Timed(() => a.Write(Bytes(c.Item2, 3)), "write");
        SmcdBed.Timed(() => bed.Layer.DeleteDevice(bed.Dev), "dibs_dev_del");
        var unregistered = bed.Ops("unregister_dmb").Where(o => o.Rc == 0).Select(o => o.Token).ToHashSet();
        foreach (var (a, b) in pairs)
        {
            SmcAssert.That(unregistered.Contains(a.LocalToken) && unregistered.Contains(b.LocalToken), "a connection's DMB was still registered when del_dev returned");
            SmcAssert.That(SmcdBed.FailsWithIo(() => b.Read(new byte[8]), TimeSpan.FromSeconds(1)), "a read on a removed device did not fail");
            SmcAssert.That(SmcdBed.FailsWithIo(() => a.Write(Bytes(4, 1)), TimeSpan.FromSeconds(1)), "a write on a removed device did not fail");
        }
    });
}
