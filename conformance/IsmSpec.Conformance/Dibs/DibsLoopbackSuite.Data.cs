using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using Ids = IsmSpec.Specs.Dibs.DibsSpec.Ids;

namespace IsmSpec.Conformance.Dibs;

/// <summary>Loopback attach/detach, move_data and signalling (research §3.2–3.3, rules 32–40 and the decisions on 36 and 38).</summary>
public sealed partial class DibsLoopbackSuite
{
    /// <summary>rotate_right_16(0x1000, idx), computed here independently of any device.</summary>
    private static ushort ExpectedMask(uint idx)
    {
        var s = (int)(idx & 15);
        return (ushort)(((0x1000u >> s) | (0x1000u << (16 - s))) & 0xFFFF);
    }

    /// <summary>Drops every reference of <paramref name="dmb"/> (owner plus <paramref name="attachments"/>), the owner's at position <paramref name="ownerAt"/>.</summary>
    private static void DropAll(DibsSession s, DibsDmb dmb, int attachments, int ownerAt, Action<int>? between = null)
    {
        for (var i = 0; i <= attachments; i++)
        {
            between?.Invoke(i);
            DibsAssert.Ok(i == ownerAt ? s.Unregister(dmb) : s.Detach(dmb.DmbTok), i == ownerAt ? "unregister_dmb" : "detach_dmb");
        }
    }

    /// <summary>Rule 32: unregister, attach, detach and move_data answer -EINVAL for a token not in the table (never registered, or freed).</summary>
    [Checks(Ids.DibsLoUnknownTokenEinval)]
    public Property UnknownTokensAreEinval() => ForAll(Arb.Zip(Ints(1, 5), ArbMap.Default.ArbFor<ulong>()), c =>
    {
        using var s = Open();
        var live = Enumerable.Range(0, c.Item1).Select(_ => s.MustRegister(16)).ToList();
        var freed = s.MustRegister(16);
        DibsAssert.Ok(s.Unregister(freed), "unregister_dmb");
        foreach (var token in new[] { c.Item2, freed.DmbTok }.Where(t => live.All(d => d.DmbTok != t)))
        {
            var unknown = new DibsDmb { DmbTok = token };
            DibsAssert.Equal(-Errno.EINVAL, s.Unregister(unknown), $"unregister_dmb(unknown token {token:x16})");
            DibsAssert.Equal(-Errno.EINVAL, s.Attach(token, out _), $"attach_dmb(unknown token {token:x16})");
            DibsAssert.Equal(-Errno.EINVAL, s.Detach(token), $"detach_dmb(unknown token {token:x16})");
            DibsAssert.Equal(-Errno.EINVAL, s.Move(token, 0, true, 0, [1]), $"move_data(unknown token {token:x16})");
        }
        DibsAssert.Equal(0, s.Owner.Irqs.Count, "handle_irq calls caused by unknown tokens");
        foreach (var d in live)
            DibsAssert.Ok(s.Move(d.DmbTok, 0, false, 0, [1]), "move_data to a live DMB");
    });

    /// <summary>Rule 33: once the last reference is gone, attach_dmb is -EINVAL.</summary>
    [Checks(Ids.DibsLoAttachDyingEinval)]
    public Property AttachAfterTheLastReferenceIsEinval() => ForAll(Arb.Zip(Ints(0, 4), Ints(0, 4)), c =>
    {
        using var s = Open();
        var dmb = s.MustRegister(32);
        for (var i = 0; i < c.Item1; i++)
            DibsAssert.Ok(s.Attach(dmb.DmbTok, out _), "attach_dmb");
        DropAll(s, dmb, c.Item1, c.Item2 % (c.Item1 + 1));
        DibsAssert.Equal(-Errno.EINVAL, s.Attach(dmb.DmbTok, out _), "attach_dmb after the reference count reached zero");
    });

    /// <summary>Rule 35: after the owner's unregister_dmb the token keeps working for move_data, attach and detach until the final detach.</summary>
    [Checks(Ids.DibsLoOwnerUnregAttached)]
    public Property TokenLivesUntilTheFinalDetach() => ForAll(Ints(1, 4), k =>
    {
        using var s = Open();
        var dmb = s.MustRegister(32);
        for (var i = 0; i < k; i++)
            DibsAssert.Ok(s.Attach(dmb.DmbTok, out _), "attach_dmb");
        DibsAssert.Ok(s.Unregister(dmb), "unregister_dmb by the owner");
        for (var i = 0; i < k; i++)
        {
            DibsAssert.Ok(s.Move(dmb.DmbTok, 0, true, (uint)i, [(byte)(i + 1)]), "move_data while attachments remain");
            DibsAssert.Ok(s.Attach(dmb.DmbTok, out _), "attach_dmb while attachments remain");
            DibsAssert.Ok(s.Detach(dmb.DmbTok), "detach_dmb of that extra attachment");
            DibsAssert.Ok(s.Detach(dmb.DmbTok), "detach_dmb");
        }
        DibsAssert.Equal(-Errno.EINVAL, s.Move(dmb.DmbTok, 0, false, 0, [1]), "move_data after the final detach");
    });

    /// <summary>Decision on rule 36: a detach that drops the last reference resets the owner entry, so the owner can leave the layer.</summary>
    [Checks(Ids.DibsLoDetachClearsOwner)]
    public Property FreeingDetachClearsTheOwner() => ForAll(Arb.Zip(Ints(1, 4), Ints(0, 3)), c =>
    {
        using var s = Open();
        var dmb = s.MustRegister(32);
        for (var i = 0; i < c.Item1; i++)
            DibsAssert.Ok(s.Attach(dmb.DmbTok, out _), "attach_dmb");
        DropAll(s, dmb, c.Item1, c.Item2 % c.Item1); // the owner's unregister is never the last drop
        DibsAssert.Equal((byte)DibsSpec.NoDibsClient, s.Dev.DmbOwner(dmb.Idx), $"owner entry of index {dmb.Idx} after the freeing detach");
        DibsAssert.That(s.Layer.UnregisterClient(s.Owner.Client).IsOk, "the former owner cannot unregister from the layer");
    });

    /// <summary>Rule 37: attach_dmb hands out the DMB's own address, length, idx and token; writes through it show at once.</summary>
    [Checks(Ids.DibsLoAttachSameMemory)]
    public Property AttachSharesTheDmbsMemory() => ForAll(Arb.Zip(Ints(0, 4), Arb.Zip(Ints(1, 1024), Ints(0, 1023))), c =>
    {
        using var s = Open();
        for (var i = 0; i < c.Item1; i++)
            s.MustRegister(8);
        var len = c.Item2.Item1;
        var dmb = s.MustRegister((uint)len);
        DibsAssert.Ok(s.Attach(dmb.DmbTok, out var a), "attach_dmb");
        DibsAssert.Equal((dmb.DmbTok, dmb.Idx, dmb.CpuAddr, (uint)len), (a.DmbTok, a.Idx, a.CpuAddr, a.DmbLen), "(token, idx, cpu_addr, dmb_len) of the attachment");
        if (s.Bed.Memory?.GetDmbMemory(s.Dev, a.DmbTok) is { IsOk: true } view)
        {
            var at = c.Item2.Item2 % len;
            view.Value.Span[at] = 0xA7;
            DibsAssert.Equal((byte)0xA7, s.MustBytes(dmb.DmbTok)[at], $"DMB byte {at} after a write through the attachment");
        }
    });

    /// <summary>Rule 38: move_data always copies, with or without sf, whichever rgid the DMB was registered for.</summary>
    [Checks(Ids.DibsLoMoveNoChecks)]
    public Property MoveDataCopiesWhateverTheRgid() => ForAll(Gen.Zip(Gen.Zip(Gen.Choose(0, 15), Gen.Choose(1, 255)), Gen.Zip(Payload(1, 64), Gen.Choose(0, 1))).ToArbitrary(), c =>
    {
        using var s = Open();
        var rgid = OtherGid(s.Dev.Gid, c.Item1.Item1, (byte)c.Item1.Item2);
        DibsAssert.Ok(s.Register(128, out var dmb, rgid: rgid), "register_dmb with a foreign rgid");
        var data = c.Item2.Item1;
        DibsAssert.Ok(s.Move(dmb.DmbTok, 0, c.Item2.Item2 == 1, 7, data), "move_data from a writer that is not the DMB's rgid");
        if (s.Bytes(dmb.DmbTok) is { } bytes)
            DibsAssert.That(bytes.AsSpan(7, data.Length).SequenceEqual(data), "move_data returned 0 but did not copy");
    });

    /// <summary>Decision on rule 38: offset + size beyond dmb_len is -EINVAL, writes nothing (not even next door) and signals nothing.</summary>
    [Checks(Ids.DibsLoMoveBounds)]
    public Property MoveDataIsBoundsChecked() => ForAll(Gen.Zip(Gen.Choose(1, 300), Gen.Frequency(
            (1, Gen.Zip(Gen.Choose(0, 400), Gen.Choose(0, 100)).Select(t => (Near: false, A: t.Item1, B: t.Item2))),
            (2, Gen.Zip(Gen.Choose(-1, 2), Gen.Choose(1, 64)).Select(t => (Near: true, A: t.Item1, B: t.Item2))))).ToArbitrary(), c =>
    {
        var len = c.Item1;
        var (size, offset) = c.Item2.Near ? (c.Item2.B, Math.Max(0, len - c.Item2.B + c.Item2.A)) : (c.Item2.B, c.Item2.A);
        using var s = Open();
        var before = s.MustRegister(16);
        var dmb = s.MustRegister((uint)len);
        var after = s.MustRegister(16);
        var snapshot = new[] { before, dmb, after }.Select(d => s.Bytes(d.DmbTok)).ToArray();
        var rc = s.Move(dmb.DmbTok, 0, true, (uint)offset, Enumerable.Repeat((byte)0x5A, size).ToArray());
        if (offset + size <= len)
            return;
        DibsAssert.Equal(-Errno.EINVAL, rc, $"move_data of {size} bytes at offset {offset} into a {len}-byte DMB");
        DibsAssert.Equal(0, s.Owner.Irqs.Count, "handle_irq calls for a refused write");
        var now = new[] { before, dmb, after }.Select(d => s.Bytes(d.DmbTok)).ToArray();
        DibsAssert.That(snapshot.Zip(now).All(p => p.First is null || p.Second is not null && p.First.AsSpan().SequenceEqual(p.Second)), "a refused move_data changed DMB memory");
    });

    /// <summary>Rule 39: with sf, the owner's handle_irq runs inside move_data with the DMB's index and rotate-right-16(0x1000, idx); without sf, none.</summary>
    [Checks(Ids.DibsLoSignalMask)]
    public Property SignalCarriesIndexAndRotatedMask() => ForAll(Arb.Zip(Arb.Zip(Ints(1, 6), Ints(0, 5)), Arb.Zip(ArbMap.Default.ArbFor<uint>(), Ints(1, 16))), c =>
    {
        using var s = Open();
        var dmbs = Enumerable.Range(0, c.Item1.Item1).Select(_ => s.MustRegister(32)).ToArray();
        var target = dmbs[c.Item1.Item2 % dmbs.Length];
        var idx = c.Item2.Item1;
        DibsAssert.Ok(s.Move(target.DmbTok, idx, false, 0, new byte[c.Item2.Item2]), "move_data without sf");
        DibsAssert.Equal(0, s.Owner.Irqs.Count, "handle_irq calls for a write without sf");
        DibsAssert.Ok(s.Move(target.DmbTok, idx, true, 0, new byte[c.Item2.Item2]), "move_data with sf");
        DibsAssert.Equal(1, s.Owner.Irqs.Count, "handle_irq calls made before move_data returned");
        var (_, gotIdx, mask) = s.Owner.Irqs[0];
        DibsAssert.Equal((target.Idx, ExpectedMask(idx)), (gotIdx, mask), $"(idx, dmbemask) for signalling index {idx}");
    });

    /// <summary>Rule 40 (mirrored quirk): a 0-byte write with sf still signals, anywhere up to offset dmb_len.</summary>
    [Checks(Ids.DibsLoSignalZeroSize)]
    public Property EmptySignalledWriteSignals() => ForAll(Arb.Zip(Ints(1, 256), Arb.Zip(Ints(0, 256), Ints(0, 15))), c =>
    {
        using var s = Open();
        var dmb = s.MustRegister((uint)c.Item1);
        var offset = (uint)Math.Min(c.Item2.Item1, c.Item1);
        DibsAssert.Ok(s.Move(dmb.DmbTok, (uint)c.Item2.Item2, true, offset, []), $"move_data of 0 bytes at offset {offset} with sf");
        DibsAssert.Equal(1, s.Owner.Irqs.Count, "handle_irq calls for an empty signalled write");
        DibsAssert.Equal(dmb.Idx, s.Owner.Irqs[0].Idx, "idx passed to handle_irq");
    });
}
