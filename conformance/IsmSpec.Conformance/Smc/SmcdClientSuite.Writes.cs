using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.Smc;
using Ids = IsmSpec.Specs.Dibs.DibsSpec.Ids;

namespace IsmSpec.Conformance.Smc;

/// <summary>Rules 70–74: how the client writes, registers, handles signals, attaches and unregisters.</summary>
public sealed partial class SmcdClientSuite
{
    private const int Cdc = SmcSpec.SmcdCdcMsgLen;

    /// <summary>Write sizes, interleaved with reads that drain the ring so no write blocks.</summary>
    internal static Arbitrary<(uint Dmb, int[] Writes)> WriteCases =>
        Gen.Zip(DmbSizes, Gen.ListOf(Gen.Frequency((4, Gen.Choose(1, 100)), (1, Gen.Choose(101, 2000)))).Select(l => l.Take(12).ToArray()))
           .ToArbitrary();

    /// <summary>
    /// Writes each chunk (cut to half the ring), reading everything unread first when unread bytes and the chunk exceed
    /// half the ring: a reader confirms at least every half ring (SMC-STREAM-CONS-UPDATE), so such a write never waits.
    /// Returns all bytes sent.
    /// </summary>
    internal static byte[] WriteSequentially(ISmcdConnectionUnderTest a, ISmcdConnectionUnderTest b, uint ring, int[] writes)
    {
        var sent = new List<byte>();
        var unread = 0;
        var half = (int)ring / 2;
        for (var i = 0; i < writes.Length; i++)
        {
            var data = Bytes(Math.Min(writes[i], half), i);
            if (unread + data.Length > half)
            {
                SmcStreamSuite.ReadExactly(b, unread, "draining the ring");
                unread = 0;
            }
            SmcdBed.Timed(() => a.Write(data), $"write of {data.Length} bytes into a ring with room for them");
            sent.AddRange(data);
            unread += data.Length;
        }
        return sent.ToArray();
    }

    /// <summary>Rule 70: payload with sf 0 at 32 + ring offset, then the 32-byte CDC message at offset 0 with sf 1.</summary>
    [Checks(Ids.DibsClientSmcWriteOrder)]
    public Property PayloadThenSignalledHeader() => ForAll(WriteCases, c =>
    {
        using var bed = Bed();
        var (a, b) = bed.Connect(512, c.Dmb);
        var ring = c.Dmb - Cdc;
        var sent = WriteSequentially(a, b, ring, c.Writes);
        var attached = bed.Ops("attach_dmb").Any(o => o.Rc == 0 && o.Token == b.LocalToken);
        long pos = 0;
        var pending = false;
        foreach (var m in bed.MovesTo(b.LocalToken).Where(m => m.Size > 0))
        {
            if (m.Sf)
            {
                SmcAssert.That(m.Offset == 0 && m.Size == Cdc, $"signalled {m} is not the 32-byte CDC message at offset 0");
                pending = false;
                continue;
            }
            SmcAssert.That(!attached, $"{m}: with an attached send buffer only the CDC message is written");
            SmcAssert.That(m.Offset >= Cdc, $"payload {m} lands in the CDC message area");
            SmcAssert.Equal(Cdc + pos % ring, (long)m.Offset, $"offset of payload write {m} (32 + ring offset {pos % ring})");
            SmcAssert.That(m.Offset + m.Size <= Cdc + ring, $"payload {m} runs past the ring end (at most two writes around the wrap)");
            pos += m.Size;
            pending = true;
        }
        SmcAssert.That(!pending, "payload was written without a signalled CDC message after it");
        SmcAssert.That(attached || pos == sent.Length, $"payload writes carried {pos} bytes, {sent.Length} were sent");
    });

    /// <summary>Rule 71: register_dmb with vlan_valid 0, rgid = the peer's GID, dmb_len = the whole size with the header (ring = len − 32).</summary>
    [Checks(Ids.DibsClientSmcRegisterArgs)]
    public Property RegisterArguments() => ForAll(Gen.Zip(DmbSizes, DmbSizes).ToArbitrary(), c =>
    {
        using var bed = Bed();
        var (a, b) = bed.Connect(c.Item1, c.Item2);
        var regs = bed.Ops("register_dmb").Where(o => o.Rc == 0).ToList();
        SmcAssert.Equal(2, regs.Count, "register_dmb calls for one connection");
        foreach (var r in regs)
        {
            SmcAssert.Equal(0u, r.Dmb.VlanValid, $"vlan_valid of {r}");
            SmcAssert.That(r.Dmb.Rgid.SequenceEqual(bed.Gid), $"rgid of {r} is not the peer's GID");
        }
        SmcAssert.Equal(c.Item1, (uint)regs.Single(r => r.Token == a.LocalToken).Size, "dmb_len of the connecting end's DMB");
        SmcAssert.Equal(c.Item2, (uint)regs.Single(r => r.Token == b.LocalToken).Size, "dmb_len of the accepting end's DMB");
        var full = Bytes((int)c.Item2 - Cdc, 3);
        SmcdBed.Timed(() => a.Write(full), $"a write of dmb_len − 32 = {full.Length} bytes into an empty ring");
        SmcAssert.That(SmcStreamSuite.ReadExactly(b, full.Length, "reading a full ring").AsSpan().SequenceEqual(full), "a full ring read back other bytes");
    });

    /// <summary>Rule 72: handle_irq wakes the connection bound to the index whatever dmbemask says (generated masks, spurious IRQs).</summary>
    [Checks(Ids.DibsClientSmcIrqIgnoresMask)]
    public Property IrqIgnoresMask() => ForAll(NoShrink(Gen.Zip(Gen.Choose(0, 0xFFFF), Gen.Choose(1, 200))), c =>
    {
        using var bed = Bed();
        var mask = (ushort)c.Item1;
        bed.Rec.Mask = _ => mask;
        var (a, b) = bed.Connect(512, 512);
        bed.Rec.RaiseIrq(a.LocalToken, (ushort)~mask);
        var buffer = new byte[c.Item2];
        var reader = SmcdBed.Start(() => b.Read(buffer));
        bed.Rec.RaiseIrq(b.LocalToken, (ushort)(mask ^ 0x8001)); // spurious: nothing to read yet
        var data = Bytes(c.Item2, c.Item1);
        SmcdBed.Timed(() => a.Write(data), "write");
        SmcAssert.That(reader.Wait(TimeSpan.FromSeconds(2)), $"a reader waiting on a DMB signalled with dmbemask 0x{mask:x4} was not woken");
        var got = buffer.AsSpan(0, reader.Result).ToArray().Concat(SmcStreamSuite.ReadExactly(b, data.Length - reader.Result, "rest")).ToArray();
        SmcAssert.That(got.SequenceEqual(data), "the woken reader read other bytes");
    });

    /// <summary>Rule 73: attach_dmb only on a device whose support_mmapped_rdmb exists and answers non-zero.</summary>
    [Checks(Ids.DibsClientSmcAttachGate)]
    public Property AttachOnlyWhenSupported() => ForAll(Arb.Zip(Ints(0, 2), Ints(1, 300)), c =>
    {
        using var bed = Bed(c.Item1 == 0 ? SmcdDeviceShape.Default : new SmcdDeviceShape(Full: true));
        if (bed.Full is { } full) full.SupportMmapped = c.Item1 == 1 ? 0 : 1;
        var (a, b) = bed.Connect(512, 512);
        var data = Bytes(c.Item2, 1);
        SmcdBed.Timed(() => a.Write(data), "write");
        SmcStreamSuite.ReadExactly(b, data.Length, "read");
        a.Dispose();
        b.Dispose();
        var ops = bed.Rec.Ops;
        var firstAttach = ops.ToList().FindIndex(o => o.Op == "attach_dmb");
        if (c.Item1 < 2)
            SmcAssert.That(firstAttach < 0, c.Item1 == 0 ? "attach_dmb on a device without the mmapped ops" : "attach_dmb although support_mmapped_rdmb returned 0");
        else if (firstAttach >= 0)
            SmcAssert.That(ops.Take(firstAttach).Any(o => o.Op == "support_mmapped_rdmb"), "attach_dmb before asking support_mmapped_rdmb");
    });

    /// <summary>Rule 74: unregister_dmb only for descriptors with a non-zero dma_addr — never for a registration that failed.</summary>
    [Checks(Ids.DibsClientSmcUnregDmaAddr)]
    public Property UnregisterOnlyWithDmaAddr() => ForAll(Gen.ArrayOf(Gen.Elements(true, false), 4).ToArbitrary(), fails =>
    {
        using var bed = Bed(new SmcdDeviceShape(SmcdBackend.Fake));
        var n = 0;
        bed.Rec.RegisterResult = _ => Interlocked.Increment(ref n) is var k && k > 2 && fails[k % fails.Length] ? -IsmSpec.Dibs.Errno.ENOMEM : 0;
        SmcAssert.That(bed.TryConnect(256, 256).Error is null, "setup failed although register_dmb succeeded");
        for (var i = 0; i < 3; i++)
            bed.TryConnect(256, 256);
        SmcdBed.Timed(() => bed.Instance.Shutdown(), "the client's exit (Shutdown)");
        var ok = bed.Ops("register_dmb").Where(o => o.Rc == 0).ToDictionary(o => o.Token, o => o.Dmb.DmaAddr);
        var unregs = bed.Ops("unregister_dmb");
        foreach (var u in unregs)
        {
            SmcAssert.That(u.Dmb.DmaAddr != 0, $"{u} for a descriptor with dma_addr 0");
            SmcAssert.That(ok.TryGetValue(u.Token, out var dma) && dma == u.Dmb.DmaAddr, $"{u} for a descriptor register_dmb did not hand out");
        }
        foreach (var (token, _) in ok)
            SmcAssert.That(unregs.Any(u => u.Token == token), $"DMB {token:x} (non-zero dma_addr) was never unregistered");
    });
}
