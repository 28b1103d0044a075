using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.S390Ism;
using Ids = IsmSpec.Specs.S390Ism.S390IsmSpec.Ids;

namespace IsmSpec.Conformance.S390Ism;

/// <summary>SBA and IEQ registration (research §4.5, §4.7, §4.10).</summary>
public sealed partial class IsmDeviceSuite
{
    public enum AreaFault { None, Unaligned, OutsideHost, OverlapsOtherArea, OverlapsDmb, AlreadyRegistered, IeqLength }

    public sealed record AreaCase(bool Ieq, AreaFault Fault, int Offset, byte Garbage, ulong IeqLen);

    /// <summary>
    /// ISM-DEV-REG-AREAS: one fault at a time gets its code (BAD_ADDRESS, BAD_STATE, BAD_LENGTH); a good REG_SBA
    /// zeroes the page, a good REG_IEQ zeroes the queue and writes idx 0, ieq_len 512, entry_len 32.
    /// </summary>
    [Checks(Ids.IsmDevRegAreas)]
    public Property AreasNeedAlignedFreeHostMemoryAndAreInitialised() => ForAll(
        Gen.Zip(Gen.Zip(Gen.Elements(true, false), Gen.Elements(Enum.GetValues<AreaFault>())), Zip3(Gen.Choose(1, 4095), Gen.Choose(1, 255), U64))
           .Select(t => new AreaCase(t.Item1.Item1, t.Item1.Item2 == AreaFault.IeqLength && !t.Item1.Item1 ? AreaFault.None : t.Item1.Item2,
               t.Item2.Item1, (byte)t.Item2.Item2, t.Item2.Item3 == IsmEq.Size ? 0 : t.Item2.Item3)).ToArbitrary(), c =>
    {
        using var s = Open(2);
        s.MustAreas(0, sba: c.Ieq, ieq: !c.Ieq); // the other kind, so an overlap can be provoked
        var dmb = s.MustDmb(0, 40, IsmSession.IsmHostPage, s.Gid(1));
        if (c.Fault == AreaFault.AlreadyRegistered) s.MustAreas(0, sba: !c.Ieq, ieq: c.Ieq);
        var page = s.Alloc(0, 2 * IsmSession.IsmHostPage);
        s[0].WriteMemory(page, Enumerable.Repeat(c.Garbage, 2 * IsmSession.IsmHostPage).ToArray());
        var end = (s[0].HostRange.End + IsmSession.IsmHostPage - 1) / IsmSession.IsmHostPage * IsmSession.IsmHostPage;
        ulong dma = c.Fault switch
        {
            AreaFault.Unaligned => page + (ulong)c.Offset,
            AreaFault.OutsideHost => end + (ulong)(c.Offset * IsmSession.IsmHostPage),
            AreaFault.OverlapsOtherArea => (c.Ieq ? s.SbaAddress(0) : s.IeqAddress(0))!.Value,
            AreaFault.OverlapsDmb => dmb.Dma,
            _ => page,
        };
        ushort expected = c.Fault switch
        {
            AreaFault.None => IsmCodes.Success,
            AreaFault.AlreadyRegistered => IsmCodes.BadState,
            AreaFault.IeqLength => IsmCodes.BadLength,
            _ => IsmCodes.BadAddress,
        };
        var what = $"REG_{(c.Ieq ? "IEQ" : "SBA")} at {dma:X} ({c.Fault})";
        IsmAssert.Code(expected, c.Ieq ? s.RegIeq(0, dma, c.Fault == AreaFault.IeqLength ? c.IeqLen : IsmEq.Size) : s.RegSba(0, dma), what);
        if (c.Fault == AreaFault.AlreadyRegistered) return;
        if (expected != IsmCodes.Success)
        {
            // Nothing was registered: a good registration still succeeds (its initialisation is checked by the fault-free cases).
            IsmAssert.Code(IsmCodes.Success, c.Ieq ? s.RegIeq(0, page) : s.RegSba(0, page), $"a good REG_{(c.Ieq ? "IEQ" : "SBA")} after the refused {what}");
            return;
        }
        var bytes = s.Mem(0, page, c.Ieq ? IsmEq.Size : IsmSba.Size);
        if (!c.Ieq)
        {
            IsmAssert.That(bytes.All(b => b == 0), $"REG_SBA left byte {Array.FindIndex(bytes, b => b != 0)} of the SBA non-zero (pre-filled with {c.Garbage:X2})");
            return;
        }
        ref var eq = ref IsmEq.View(bytes);
        IsmAssert.Equal(0UL, eq.Header.Idx, "IEQ header.idx after REG_IEQ");
        IsmAssert.Equal((ulong)IsmEq.Size, eq.Header.IeqLen, "IEQ header.ieq_len after REG_IEQ");
        IsmAssert.Equal((ulong)IsmEvent.Size, eq.Header.EntryLen, "IEQ header.entry_len after REG_IEQ");
        IsmAssert.That(bytes.AsSpan(24).IndexOfAnyExcept((byte)0) < 0, $"REG_IEQ left the reserved header field or an entry non-zero (pre-filled with {c.Garbage:X2})");
    });

    public sealed record UnregAreaCase(bool Ieq, bool Registered, byte SigIdx, uint EventCode);

    /// <summary>
    /// ISM-DEV-UNREG-AREAS (research §4.10): UNREG without an area answers BAD_STATE; afterwards signalled stores,
    /// SIGNAL_IEQ and DMB unregistrations leave the old area untouched, and without an SBA no interrupt is raised.
    /// </summary>
    [Checks(Ids.IsmDevUnregAreas)]
    public Property UnregisteredAreasAreNeverWrittenAgain() => ForAll(
        Zip3(Gen.Elements(true, false), Gen.Elements(true, false), Gen.Zip(Gen.Choose(0, 255), U32))
           .Select(t => new UnregAreaCase(t.Item1, t.Item2, (byte)t.Item3.Item1, t.Item3.Item2)).ToArbitrary(), c =>
    {
        using var s = Open(2);
        s.MustAreas(1);
        s.MustAreas(0, sba: c.Ieq || c.Registered, ieq: !c.Ieq || c.Registered);
        var kind = c.Ieq ? "IEQ" : "SBA";
        Func<ushort> unreg = () => c.Ieq ? s.UnregIeq(0) : s.UnregSba(0);
        if (!c.Registered)
        {
            IsmAssert.Code(IsmCodes.BadState, unreg(), $"UNREG_{kind} with no {kind} registered");
            return;
        }
        var area = (c.Ieq ? s.IeqAddress(0) : s.SbaAddress(0))!.Value;
        var dmb = s.MustDmb(0, 50, 256, s.Gid(1));
        var peerDmb = s.MustDmb(1, 50, 256, s.Gid(0));
        IsmAssert.Code(IsmCodes.Success, unreg(), $"UNREG_{kind}");
        IsmAssert.Code(IsmCodes.BadState, unreg(), $"a second UNREG_{kind}");
        var pattern = IsmSession.Pattern(c.Ieq ? IsmEq.Size : IsmSba.Size, c.SigIdx);
        s[0].WriteMemory(area, pattern);
        var irqs = s.Irqs(0);
        s.Store(1, dmb.Token, 8, [1, 2, 3], sf: true, c.SigIdx);
        s.SignalIeq(1, s.Gid(0), true, c.EventCode, 5);
        s.UnregDmb(1, peerDmb.Token); // names function 0 as rgid: a BUF event for it
        s.Settle();
        IsmAssert.That(s.Mem(0, area, pattern.Length).AsSpan().SequenceEqual(pattern), $"the device wrote the {kind} after UNREG_{kind}");
        if (!c.Ieq)
            IsmAssert.Equal(irqs, s.Irqs(0), "interrupts of a function without SBA");
    });
}
