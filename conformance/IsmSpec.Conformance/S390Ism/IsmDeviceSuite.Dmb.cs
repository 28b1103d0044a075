using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Specs.S390Ism;
using Ids = IsmSpec.Specs.S390Ism.S390IsmSpec.Ids;

namespace IsmSpec.Conformance.S390Ism;

/// <summary>DMB registration, tokens and store blocks (research §4.5, §4.8, §4.9; rules 50–57 seen from the device).</summary>
public sealed partial class IsmDeviceSuite
{
    /// <summary>Host memory for properties that register DMBs of up to 1 MiB.</summary>
    private const int LargeHost = S390IsmSpec.IsmDmbMaxLen + 64 * 1024;

    public enum AddressFault { None, Unaligned, OutsideHost, OverlapsSba, OverlapsIeq, OverlapsDmb }

    public sealed record RegDmbCase(uint? BadIdx, uint? BadLen, bool InUse, AddressFault Address, int SbaIdx, int Len, int Offset);

    private static readonly Gen<uint> BadIndices = Gen.Frequency(
        (2, Gen.Choose(0, S390IsmSpec.IsmDmbBitOffset - 1).Select(v => (uint)v)),
        (2, Gen.Choose(S390IsmSpec.IsmNrDmbs, 70000).Select(v => (uint)v)),
        (1, Gen.Choose(0x10000, int.MaxValue).Select(v => (uint)v * 2)));

    private static Gen<T?> Maybe<T>(Gen<T> gen) where T : struct => Gen.Frequency((3, Gen.Constant<T?>(null)), (1, gen.Select(v => (T?)v)));

    /// <summary>
    /// ISM-DEV-REG-DMB (rules 50–52): faults in any combination; the first of index range, length, index in use,
    /// address answers (BAD_INDEX, BAD_LENGTH, INDEX_IN_USE, BAD_ADDRESS); a refusal registers nothing.
    /// </summary>
    [Checks(Ids.IsmDevRegDmb)]
    public Property RegDmbChecksInOrderAndRegistersNothingOnRefusal() => ForAll(
        Zip3(Zip3(Maybe(BadIndices), Maybe(Gen.Elements(0u, (uint)S390IsmSpec.IsmDmbMaxLen + 1, uint.MaxValue)), Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))),
                Gen.Zip(Gen.Frequency((3, Gen.Constant(AddressFault.None)), (3, Gen.Elements(Enum.GetValues<AddressFault>()))), DmbIndex),
                Gen.Zip(Gen.Frequency((6, Gen.Choose(1, 20000)), (1, Gen.Constant(S390IsmSpec.IsmDmbMaxLen))), Gen.Choose(1, 4095)))
           .Select(t => new RegDmbCase(t.Item1.Item1, t.Item1.Item2, t.Item1.Item3, t.Item2.Item1, t.Item2.Item2, t.Item3.Item1, t.Item3.Item2)).ToArbitrary(), c =>
    {
        using var s = OpenReady(2, LargeHost);
        int existingIdx = c.SbaIdx == 33 ? 34 : 33;
        var existing = s.MustDmb(0, existingIdx, IsmSession.IsmHostPage, s.Gid(1));
        uint idx = c.BadIdx ?? (uint)(c.InUse ? existingIdx : c.SbaIdx == existingIdx ? 35 : c.SbaIdx);
        uint len = c.BadLen ?? (uint)c.Len;
        var end = (s[0].HostRange.End + IsmSession.IsmHostPage - 1) / IsmSession.IsmHostPage * IsmSession.IsmHostPage;
        ulong dma = c.Address switch
        {
            AddressFault.Unaligned => s.Alloc(0, c.Len + IsmSession.IsmHostPage) + (ulong)c.Offset,
            AddressFault.OutsideHost => end + (ulong)c.Offset * IsmSession.IsmHostPage,
            AddressFault.OverlapsSba => s.SbaAddress(0)!.Value,
            AddressFault.OverlapsIeq => s.IeqAddress(0)!.Value,
            AddressFault.OverlapsDmb => existing.Dma,
            _ => s.Alloc(0, c.Len),
        };
        ushort expected = c.BadIdx is not null ? IsmCodes.BadIndex
            : c.BadLen is not null ? IsmCodes.BadLength
            : c.InUse ? IsmCodes.IndexInUse
            : c.Address != AddressFault.None ? IsmCodes.BadAddress
            : IsmCodes.Success;
        var request = new IsmRegDmbRequest { Dmb = dma, DmbLen = len, SbaIdx = idx, Rgid = s.Gid(1) };
        IsmAssert.Code(expected, s.RegDmb(0, request, out _), $"REG_DMB(idx {idx}, len {len}, dmb {dma:X})");
        if (expected == IsmCodes.Success) return;
        // Registering nothing: neither the index (when it was valid and free) nor the buffer (when it was good) was taken.
        uint retryIdx = c.BadIdx is not null || c.InUse ? (uint)S390IsmSpec.IsmNrDmbs - 1 : idx;
        var retry = c.Address == AddressFault.None ? request with { SbaIdx = retryIdx, DmbLen = (uint)c.Len } : request with { SbaIdx = retryIdx, Dmb = s.Alloc(0, 1), DmbLen = 1 };
        IsmAssert.Code(IsmCodes.Success, s.RegDmb(0, retry, out _), $"a good REG_DMB(idx {retry.SbaIdx}, len {retry.DmbLen}, dmb {retry.Dmb:X}) after the refusal");
    });

    /// <summary>ISM-DEV-REG-DMB: indices 32..1919 all register (1888 DMBs, rule 50) or the table fills with TABLE_FULL; order still holds when full.</summary>
    [Checks(Ids.IsmDevRegDmb)]
    public void RegDmbFillsTheTable()
    {
        int all = S390IsmSpec.IsmNrDmbs - S390IsmSpec.IsmDmbBitOffset;
        using var s = Open(2, (all + 8) * IsmSession.IsmHostPage);
        var tokens = new List<ulong>();
        int idx = S390IsmSpec.IsmDmbBitOffset;
        for (; idx < S390IsmSpec.IsmNrDmbs; idx++)
        {
            var code = s.RegDmb(0, new IsmRegDmbRequest { Dmb = s.Alloc(0, 1), DmbLen = 1, SbaIdx = (uint)idx }, out var token);
            if (code != IsmCodes.Success)
            {
                IsmAssert.That(tokens.Count > 0, $"the first REG_DMB answered {IsmCodes.Name(code)}");
                IsmAssert.Code(IsmCodes.TableFull, code, $"REG_DMB of DMB #{tokens.Count + 1} (idx {idx})");
                break;
            }
            tokens.Add(token);
        }
        var page = s.Alloc(0, 1);
        IsmAssert.Code(IsmCodes.BadIndex, s.RegDmb(0, new IsmRegDmbRequest { Dmb = page, DmbLen = 1, SbaIdx = 5 }, out _), "REG_DMB(idx 5) with a full table");
        IsmAssert.Code(IsmCodes.IndexInUse, s.RegDmb(0, new IsmRegDmbRequest { Dmb = page, DmbLen = 1, SbaIdx = 32 }, out _), "REG_DMB(idx 32, in use) with a full table");
        if (idx < S390IsmSpec.IsmNrDmbs)
            IsmAssert.Code(IsmCodes.TableFull, s.RegDmb(0, new IsmRegDmbRequest { Dmb = page, DmbLen = 1, SbaIdx = (uint)idx }, out _), $"REG_DMB(idx {idx}, free) with a full table");
        IsmAssert.Code(IsmCodes.Success, s.UnregDmb(0, tokens[0]), "UNREG_DMB of idx 32");
        IsmAssert.Code(IsmCodes.Success, s.RegDmb(0, new IsmRegDmbRequest { Dmb = page, DmbLen = 1, SbaIdx = 32 }, out _), "REG_DMB(idx 32) after it was freed");
    }

    public sealed record UnregDmbCase(int RgidKind, int Len, ulong Bogus);

    /// <summary>
    /// ISM-DEV-UNREG-DMB (research §4.7 event codes): only the owner unregisters; later stores answer UNKNOWN_TOKEN;
    /// the function named by rgid gets BUF / BUF_DMB_UNREGISTERED with the token, no other function an event.
    /// </summary>
    [Checks(Ids.IsmDevUnregDmb)]
    public Property UnregDmbIsOwnerOnlyAndTellsTheUser() => ForAll(
        Zip3(Gen.Choose(0, 3), Gen.Choose(1, 8192), U64).Select(t => new UnregDmbCase(t.Item1, t.Item2, t.Item3)).ToArbitrary(), c =>
    {
        using var s = OpenReady(3);
        ulong rgid = c.RgidKind switch { 0 => s.Gid(1), 1 => 0, 2 => s.Gid(0), _ => ~(s.Gid(0) | s.Gid(1) | s.Gid(2)) };
        var dmb = s.MustDmb(0, 77, c.Len, rgid);
        IsmAssert.Code(IsmCodes.UnknownToken, s.UnregDmb(1, dmb.Token), "UNREG_DMB by a function that does not own the DMB");
        if (c.Bogus != dmb.Token)
            IsmAssert.Code(IsmCodes.UnknownToken, s.UnregDmb(0, c.Bogus), $"UNREG_DMB of unknown token {c.Bogus:X16}");
        var before = Enumerable.Range(1, 2).Select(f => s.Mem(f, s.IeqAddress(f)!.Value, IsmEq.Size)).ToArray();
        IsmAssert.Code(IsmCodes.Success, s.UnregDmb(0, dmb.Token), "UNREG_DMB by the owner");
        IsmAssert.Code(IsmCodes.UnknownToken, s.Store(1, dmb.Token, 0, [9]), "a store to the unregistered token");
        IsmAssert.Code(IsmCodes.UnknownToken, s.UnregDmb(0, dmb.Token), "a second UNREG_DMB of the token");
        for (int f = 1; f <= 2; f++)
        {
            var after = s.Mem(f, s.IeqAddress(f)!.Value, IsmEq.Size);
            if (f == 1 && c.RgidKind == 0)
            {
                var ev = IsmEq.View(after).Entry[0];
                IsmAssert.Equal((uint)IsmEventType.Buf, ev.Type, "type of the event at the DMB's user");
                IsmAssert.Equal((uint)IsmEventCode.BufDmbUnregistered, ev.Code, "code of the event at the DMB's user");
                IsmAssert.Equal(dmb.Token, ev.Tok, "tok of the event at the DMB's user");
            }
            else
                IsmAssert.That(after.AsSpan().SequenceEqual(before[f - 1]), $"function {f} (not the DMB's rgid) got an IEQ write");
        }
    });

    /// <summary>ISM-DEV-TOKEN-FORMAT (rule 56): REG/UNREG sequences on two functions never yield a zero, low-bits-set or reused token.</summary>
    [Checks(Ids.IsmDevTokenFormat)]
    public Property TokensAreUniqueNonZeroAndNeverReused() => StateMachine.ToProperty(new IsmMachine(() => OpenReady(), IsmMachineChecks.Tokens));

    public sealed record StoreCase(int Fault, int Len, int Offset, int Size, bool Sf, byte SigIdx, int Nudge);

    /// <summary>
    /// ISM-DEV-MOVE-CHECKS (device side of rules 56–57): a store is refused with the code of a fault it has
    /// (BAD_LENGTH, CROSSES_BOUNDARY, UNKNOWN_TOKEN, ACCESS_DENIED, OUT_OF_BOUNDS), writing and signalling nothing;
    /// without a fault the chunk lands at the offset.
    /// </summary>
    [Checks(Ids.IsmDevMoveChecks)]
    public Property StoresAreCheckedBeforeAnythingIsWritten() => ForAll(
        Zip3(Gen.Zip(Gen.Choose(0, 6), Gen.Choose(1, 9000)), Gen.Zip(Gen.Choose(0, 9000), Gen.Choose(0, 4200)), Zip3(Gen.Elements(true, false), Gen.Choose(0, 255), Gen.Choose(1, 999)))
           .Select(t => Shape(new StoreCase(t.Item1.Item1, t.Item1.Item2, t.Item2.Item1, t.Item2.Item2, t.Item3.Item1, (byte)t.Item3.Item2, t.Item3.Item3))).ToArbitrary(), c =>
    {
        using var s = OpenReady(3);
        var dmb = s.MustDmb(0, 90, c.Len, s.Gid(1));
        int writer = c.Fault == 5 ? 2 : 1;
        ulong token = c.Fault == 4 ? dmb.Token ^ (ulong)c.Nudge << 32 : dmb.Token;
        var allowed = new List<ushort>();
        if (c.Size == 0 || c.Size > S390IsmSpec.IsmMoveChunk) allowed.Add(IsmCodes.BadLength);
        if (c.Offset % S390IsmSpec.IsmMoveChunk + c.Size > S390IsmSpec.IsmMoveChunk) allowed.Add(IsmCodes.CrossesBoundary);
        if (token != dmb.Token) allowed.Add(IsmCodes.UnknownToken);
        if (writer != 1) allowed.Add(IsmCodes.AccessDenied);
        if (c.Offset + c.Size > c.Len) allowed.Add(IsmCodes.OutOfBounds);
        if (allowed.Count == 0) allowed.Add(IsmCodes.Success);
        var dmbBefore = s.Mem(0, dmb.Dma, c.Len);
        var sbaBefore = s.Mem(0, s.SbaAddress(0)!.Value, IsmSba.Size);
        var irqs = s.Irqs(0);
        var chunk = IsmSession.Pattern(c.Size, c.Nudge);
        var code = s.Store(writer, token, c.Offset, chunk, c.Sf, c.SigIdx);
        IsmAssert.That(allowed.Contains(code), $"store of {c.Size} bytes at {c.Offset} into a {c.Len}-byte DMB by function {writer} answered {IsmCodes.Name(code)}, expected {string.Join(" or ", allowed.Select(IsmCodes.Name))}");
        var expected = dmbBefore.ToArray();
        if (code == IsmCodes.Success) chunk.CopyTo(expected, c.Offset);
        IsmAssert.That(s.Mem(0, dmb.Dma, c.Len).AsSpan().SequenceEqual(expected), code == IsmCodes.Success ? "the DMB does not hold exactly the stored chunk" : $"a refused store ({IsmCodes.Name(code)}) changed the DMB");
        if (code == IsmCodes.Success) return;
        s.Settle();
        IsmAssert.That(s.Mem(0, s.SbaAddress(0)!.Value, IsmSba.Size).AsSpan().SequenceEqual(sbaBefore), "a refused store changed the owner's SBA");
        IsmAssert.Equal(irqs, s.Irqs(0), "interrupts after a refused store");
    });

    /// <summary>Steers a generated store towards its fault (0 none, 1 empty, 2 &gt; 4096, 3 crossing, 4 token, 5 writer, 6 bounds).</summary>
    private static StoreCase Shape(StoreCase c)
    {
        int len = c.Fault == 3 ? Math.Max(c.Len, 4300) : c.Len;
        int page = S390IsmSpec.IsmMoveChunk;
        return c.Fault switch
        {
            1 => c with { Len = len, Offset = c.Offset % len, Size = 0 },
            2 => c with { Len = len, Offset = c.Offset % len, Size = page + 1 + c.Size % page },
            3 => c with { Len = len, Offset = page - 1 - c.Nudge % 64, Size = 66 + c.Size % 100 },
            6 => c with { Len = len, Offset = len - 1 - c.Nudge % Math.Min(len, 16), Size = 2 + c.Nudge % Math.Min(len, 16) + c.Size % 16 },
            _ => InBounds(c with { Len = len }, page),
        };
    }

    private static StoreCase InBounds(StoreCase c, int page)
    {
        int size = 1 + c.Size % Math.Min(c.Len, page);
        int offset = c.Offset % (c.Len - size + 1);
        if (offset % page + size > page) offset -= offset % page + size - page;
        return c with { Offset = offset, Size = size };
    }
}
