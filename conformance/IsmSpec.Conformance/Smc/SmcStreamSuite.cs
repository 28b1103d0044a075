using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.Smc;
using Ids = IsmSpec.Specs.Smc.SmcSpec.Ids;

namespace IsmSpec.Conformance.Smc;

/// <summary>
/// The smc spec (SMC-* and SMC-STREAM-*, research §2.9 and IsmSpec's stream decisions) against the client under
/// test: CDC message format and DMB layout here, flow control in SmcStreamSuite.Flow.cs, close/abort/errors in
/// SmcStreamSuite.Close.cs. Properties read CDC messages from the op log and DMB memory of the recording device.
/// </summary>
public sealed partial class SmcStreamSuite(ISmcdClientUnderTest client) : SmcSuite(client)
{
    private const int Cdc = SmcSpec.SmcdCdcMsgLen;

    public override ISpecInfo Spec => SmcSpec.Instance;
    public override string Name => $"smc ({ClientUnderTest.Name})";
    protected override IReadOnlySet<string> NocopyOnly { get; } = new HashSet<string> { Ids.SmcNocopyGhostBuffer };

    /// <summary>Reads exactly <paramref name="n"/> bytes (bounded); end of stream or a hang is a violation.</summary>
    public static byte[] ReadExactly(ISmcdConnectionUnderTest conn, int n, string what)
    {
        var got = new byte[n];
        var at = 0;
        while (at < n)
        {
            var k = SmcdBed.Timed(() => conn.Read(got.AsSpan(at)), $"{what} ({at} of {n} bytes read)");
            SmcAssert.That(k > 0, $"{what}: end of stream after {at} of {n} bytes");
            at += k;
        }
        return got;
    }

    /// <summary>A CDC message: a signalled 32-byte move_data at offset 0.</summary>
    internal static bool IsCdc(RecordedOp m) => m.Op == "move_data" && m.Sf && m.Size == Cdc && m.Offset == 0 && m.Data is not null;

    /// <summary>The CDC messages written into <paramref name="token"/>, in order.</summary>
    internal static List<byte[]> Headers(SmcdBed bed, ulong token) => bed.MovesTo(token).Where(IsCdc).Select(m => m.Data!).ToList();

    /// <summary>Traffic both ways: A's writes (B drains as needed), then a short reply from B that A reads.</summary>
    private static void Traffic(SmcdBed bed, ISmcdConnectionUnderTest a, ISmcdConnectionUnderTest b, uint ringB, int[] writes)
    {
        SmcdClientSuite.WriteSequentially(a, b, ringB, writes);
        SmcdBed.Timed(() => b.Write(Bytes(5, 9)), "B's reply");
        ReadExactly(a, 5, "reading B's reply");
    }

    /// <summary>SMC-CDC-TYPE: every CDC message either end writes starts with 0xFE.</summary>
    [Checks(Ids.SmcCdcType)]
    public Property CdcType() => ForAll(SmcdClientSuite.WriteCases, c =>
    {
        using var bed = Bed();
        var (a, b) = bed.Connect(256, c.Dmb);
        Traffic(bed, a, b, c.Dmb - Cdc, c.Writes);
        a.Dispose();
        var all = Headers(bed, a.LocalToken).Concat(Headers(bed, b.LocalToken)).ToList();
        SmcAssert.That(all.Count > 0, "no CDC message was written");
        foreach (var h in all)
            SmcAssert.Equal("FE", h[0].ToString("X2"), "type byte of a CDC message");
    });

    /// <summary>SMC-CDC-FLAGS-IN-CONS: producer and connection-state flags travel in the cons cursor; the prod cursor's flag bytes stay 0.</summary>
    [Checks(Ids.SmcCdcFlagsInCons)]
    public Property FlagsInCons() => ForAll(Arb.Zip(Ints(0, 2), Ints(1, 60)), c =>
    {
        var (ending, extra) = c;
        using var bed = Bed();
        var (a, b) = bed.Connect(256, 96);
        var writer = SmcdBed.Start(() => a.Write(Bytes(64 + extra, 1))); // more than the 64-byte ring
        ReadExactly(b, 64 + extra, "reading past a full ring");
        SmcAssert.That(writer.Wait(SmcdBed.Timeout), "the blocked write did not finish after the reader drained the ring");
        switch (ending)
        {
            case 0: a.ShutdownWrite(); break;
            case 1: a.Dispose(); break;
            default: a.Abort(); break;
        }
        var toB = Headers(bed, b.LocalToken);
        foreach (var h in toB.Concat(Headers(bed, a.LocalToken)))
            SmcAssert.That(h[14] == 0 && h[15] == 0, $"flags in the prod cursor of a CDC message: prod_flags 0x{h[14]:x2}, conn_state_flags 0x{h[15]:x2}");
        SmcAssert.That(toB.Any(h => (h[22] & 0x80) != 0), "no CDC message carried write_blocked (0x80) in cons.prod_flags while the ring was full");
        var want = ending switch { 0 => 0x80, 1 => 0xC0, _ => 0x20 };
        SmcAssert.Equal($"0x{want:x2}", $"0x{toB[^1][23] & want:x2}", $"cons.conn_state_flags of the last CDC message after {(ending switch { 0 => "shutdown_write", 1 => "close", _ => "abort" })}");
    });

    /// <summary>SMC-CDC-NATIVE-ORDER: the write/read/half-close machine checks cursor bytes in native order against a byte-queue model.</summary>
    [Checks(Ids.SmcCdcNativeOrder)]
    public Property CursorsInNativeOrder() => Prop.ForAll(Gen.Choose(64, 200).ToArbitrary(), dmb =>
        StateMachine.ToProperty(new SmcdStreamMachine(size =>
        {
            var bed = Bed();
            var (a, b) = bed.Connect(128, size);
            return new StreamActual(bed, a, b);
        }, (uint)dmb)));

    /// <summary>SMC-DMB-HEADER-AT-ZERO: the payload sits at 32 + ring offset of the peer DMB, the ring is dmb_len − 32 and the header area only holds CDC messages.</summary>
    [Checks(Ids.SmcDmbHeaderAtZero)]
    public Property HeaderAtZeroRingAfter() => ForAll(SmcdClientSuite.WriteCases, c =>
    {
        using var bed = Bed();
        var (a, b) = bed.Connect(256, c.Dmb);
        var ring = (int)c.Dmb - Cdc;
        var unread = 0;
        var pos = 0L;
        for (var i = 0; i < c.Writes.Length; i++)
        {
            var data = Bytes(Math.Min(c.Writes[i], ring / 2), i);
            if (unread + data.Length > ring / 2) { ReadExactly(b, unread, "draining"); unread = 0; }
            SmcdBed.Timed(() => a.Write(data), "write");
            var mem = (bed.Rec.Bytes(b.LocalToken) ?? throw new ConformanceViolation("the peer DMB is gone")).Span;
            for (var k = 0; k < data.Length; k++)
                SmcAssert.Equal(data[k], mem[Cdc + (int)((pos + k) % ring)], $"byte {pos + k} at DMB offset 32 + {(pos + k) % ring}");
            pos += data.Length;
            unread += data.Length;
        }
        SmcAssert.That(bed.MovesTo(b.LocalToken).All(m => m.Offset >= Cdc || m.Offset == 0 && m.Size is 0 or Cdc), "a write into the CDC area other than a 32-byte message at 0");
    });

    /// <summary>SMC-DMB-SIZES: with its own default size the client registers 16 KiB · 2^k DMBs (k 0..6).</summary>
    [Checks(Ids.SmcDmbSizes)]
    public Property DefaultSizesAreSmcSizes() => ForAll(Ints(1, 3), n =>
    {
        using var bed = Bed(new SmcdDeviceShape(SmcdBackend.Fake));
        for (var i = 0; i < n; i++) bed.Connect(null, null);
        var sizes = Enumerable.Range(0, SmcSpec.SmcdDmbeSizes + 1).Select(k => SmcSpec.SmcdDmbeMinSize << k).ToHashSet();
        foreach (var r in bed.Ops("register_dmb"))
            SmcAssert.That(sizes.Contains(r.Size), $"default DMB size {r.Size} is not 16 KiB · 2^k");
    });

    /// <summary>SMC-DMBE-INDEX-ZERO: every move_data names DMBE index 0.</summary>
    [Checks(Ids.SmcDmbeIndexZero)]
    public Property DmbeIndexZero() => ForAll(SmcdClientSuite.WriteCases, c =>
    {
        using var bed = Bed(new SmcdDeviceShape(SmcdBackend.Fake));
        var (a, b) = bed.Connect(256, c.Dmb);
        Traffic(bed, a, b, c.Dmb - Cdc, c.Writes);
        foreach (var m in bed.Ops("move_data"))
            SmcAssert.Equal(0u, m.Idx, $"DMBE index of {m}");
    });

    /// <summary>SMC-RECV-READS-HEADER: after handle_irq the receiver takes the CDC message from offset 0 of its DMB (the suite plays the peer).</summary>
    [Checks(Ids.SmcRecvReadsHeader)]
    public Property ReceiverReadsHeaderAtZero() => ForAll(Arb.Zip(Ints(1, 200), Ints(0, 100)), c =>
    {
        using var bed = Bed();
        var (_, b) = bed.Connect(256, 256);
        var n = c.Item1;
        var data = Bytes(n, c.Item2);
        var reader = SmcdBed.Start(() => ReadExactly(b, n, "reading what the suite wrote as the peer"));
        FakePeer.Send(bed, b.LocalToken, 224, 0, data);
        SmcAssert.That(reader.Wait(SmcdBed.Timeout) && reader.Result.AsSpan().SequenceEqual(data), "the receiver did not read the bytes announced by the CDC message at offset 0");
    });

    /// <summary>SMC-NOCOPY-GHOST-BUFFER: an attached peer DMB is used from offset 32 on, never beyond its end, and detached when the connection goes.</summary>
    [Checks(Ids.SmcNocopyGhostBuffer)]
    public Property GhostBuffer() => ForAll(SmcdClientSuite.WriteCases, c =>
    {
        using var bed = Bed(new SmcdDeviceShape(Full: true));
        var (a, b) = bed.Connect(256, c.Dmb);
        SmcdClientSuite.WriteSequentially(a, b, c.Dmb - Cdc, c.Writes);
        var attach = bed.Ops("attach_dmb").Where(o => o.Rc == 0 && o.Token == b.LocalToken).ToList();
        SmcAssert.Equal(1, attach.Count, "attach_dmb of the peer DMB (nocopy on a device that supports it)");
        SmcAssert.That(bed.MovesTo(b.LocalToken).All(m => m.Sf), "payload copied with move_data although the peer DMB is attached");
        a.Dispose();
        SmcAssert.Equal(1, bed.Ops("detach_dmb").Count(o => o.Token == b.LocalToken), "detach_dmb of the ghost buffer when the connection was freed");
    });
}
