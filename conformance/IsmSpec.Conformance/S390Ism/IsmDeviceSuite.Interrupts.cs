using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Specs.S390Ism;
using Ids = IsmSpec.Specs.S390Ism.S390IsmSpec.Ids;

namespace IsmSpec.Conformance.S390Ism;

/// <summary>SBA updates, dmbe masks, interrupts and the IEQ (research §4.7, §4.9; rules 61 and 63).</summary>
public sealed partial class IsmDeviceSuite
{
    public sealed record SignalCase(int[] Indices, int Target, byte SigA, byte SigB)
    {
        public override string ToString() => $"SignalCase(dmbs at [{string.Join(",", Indices)}], target #{Target}, sig {SigA} then {SigB})";
    }

    /// <summary>
    /// Rule 61: a signalled store to DMB index i sets SBA bit i (and no other), ORs a signal bit into dmbe_mask[i]
    /// (masks only grow), sets the summary bit and raises the interrupt; an unsignalled store touches none of it.
    /// </summary>
    [Checks(Ids.IsmSignalSbaUpdate)]
    public Property SignalledStoresUpdateTheSba() => ForAll(
        Zip3(Gen.ArrayOf(DmbIndex).Select(a => a.Distinct().Take(4).ToArray()), Gen.Choose(0, 3), Gen.Zip(Gen.Choose(0, 255), Gen.Choose(0, 255)))
           .Where(t => t.Item1.Length >= 2).Select(t => new SignalCase(t.Item1, t.Item2 % t.Item1.Length, (byte)t.Item3.Item1, (byte)t.Item3.Item2)).ToArbitrary(), c =>
    {
        using var s = OpenReady();
        var dmbs = c.Indices.Select(i => s.MustDmb(0, i, 64, s.Gid(1))).ToArray();
        var target = dmbs[c.Target];
        var other = dmbs[(c.Target + 1) % dmbs.Length];
        var irqs = s.Irqs(0);
        IsmAssert.Code(IsmCodes.Success, s.Store(1, other.Token, 0, [1]), "an unsignalled store");
        var quiet = s.Sba(0);
        IsmAssert.That(IsmSession.SetBits(ref quiet).Count == 0, "an unsignalled store set an SBA DMB bit");
        IsmAssert.Code(IsmCodes.Success, s.Store(1, target.Token, 1, [2], sf: true, c.SigA), "a signalled store");
        IsmAssert.Equal(irqs + 1, s.WaitIrqs(0, irqs + 1), "interrupts after one signalled store");
        var sba = s.Sba(0);
        IsmAssert.Equal(target.SbaIdx.ToString(), string.Join(",", IsmSession.SetBits(ref sba)), "SBA DMB bits set after a signal to one DMB");
        IsmAssert.That(sba.Status.S, "the summary bit s is not set after a signalled store");
        var first = sba.GetDmbeMask(target.SbaIdx);
        IsmAssert.That(first != 0, $"dmbe_mask[{target.SbaIdx}] is 0 after a signalled store");
        IsmAssert.That(dmbs.Where(d => d != target).All(d => sba.GetDmbeMask(d.SbaIdx) == 0), "a dmbe_mask of an unsignalled DMB is not 0");
        IsmAssert.Code(IsmCodes.Success, s.Store(1, target.Token, 2, [3], sf: true, c.SigB), "a second signalled store");
        sba = s.Sba(0);
        IsmAssert.That(IsmSession.DmbBit(ref sba, target.SbaIdx) && sba.Status.S, "DMB bit or summary bit not set after a second signal");
        var second = sba.GetDmbeMask(target.SbaIdx);
        IsmAssert.That((second & first) == first && second != 0, $"dmbe_mask[{target.SbaIdx}] went from {first:X4} to {second:X4}: signal bits are ORed in");
    });

    /// <summary>Rule 61 as a sequence: REG/UNREG_DMB, stores, SIGNAL_IEQ and interrupt drains on two functions against the model's SBA.</summary>
    [Checks(Ids.IsmSignalSbaUpdate)]
    public Property SbaFollowsTheModelOverSequences() => StateMachine.ToProperty(new IsmMachine(() => OpenReady(2, IsmMachine.HostMemory), IsmMachineChecks.SbaBits));

    public sealed record MaskCase(int SbaIdx, byte[] Sigs)
    {
        public override string ToString() => $"MaskCase(idx {SbaIdx}, signalling idx [{string.Join(",", Sigs)}])";
    }

    /// <summary>ISM-DEV-DMBE-MASK (research §4.9, §7): dmbe_mask[i] is the OR of rotate_right_16(0x1000, idx) over the signals since the last drain.</summary>
    [Checks(Ids.IsmDevDmbeMask)]
    public Property DmbeMaskBitIsRotatedBySignallingIndex() => ForAll(
        Gen.Zip(DmbIndex, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Where(a => a.Length > 0)).Select(t => new MaskCase(t.Item1, t.Item2.Take(5).ToArray())).ToArbitrary(), c =>
    {
        using var s = OpenReady();
        var dmb = s.MustDmb(0, c.SbaIdx, 32, s.Gid(1));
        ushort expected = 0;
        foreach (var sig in c.Sigs)
        {
            IsmAssert.Code(IsmCodes.Success, s.Store(1, dmb.Token, 0, [sig], sf: true, sig), $"signalled store with idx {sig}");
            expected |= IsmSession.SignalMask(sig);
            IsmAssert.Equal($"{expected:X4}", $"{s.Sba(0).GetDmbeMask(c.SbaIdx):X4}", $"dmbe_mask[{c.SbaIdx}] after signalling idx {sig}");
        }
        s[0].WriteMemory(s.SbaAddress(0)!.Value + 256 + 2 * (ulong)c.SbaIdx, [0, 0]); // the driver zeroes the mask it consumed (rule 62)
        IsmAssert.Code(IsmCodes.Success, s.Store(1, dmb.Token, 0, [1], sf: true, c.Sigs[^1]), "signalled store after the mask was consumed");
        IsmAssert.Equal($"{IsmSession.SignalMask(c.Sigs[^1]):X4}", $"{s.Sba(0).GetDmbeMask(c.SbaIdx):X4}", $"dmbe_mask[{c.SbaIdx}] after it was consumed and one signal");
    });

    public enum IrqOp { SignalledStore, PlainStore, SignalIeqTrigger, SignalIeqQuiet, ToggleSba }

    /// <summary>
    /// ISM-DEV-IRQ (research §4.7, §4.10): one interrupt per signalled store and per SIGNAL_IEQ with trigger_irq, with no
    /// drain in between (the summary bit stays set), none without trigger_irq or while no SBA is registered; a signalled
    /// store to a function without SBA still stores its data.
    /// </summary>
    [Checks(Ids.IsmDevIrq)]
    public Property EveryTriggerRaisesOneInterruptWhileAnSbaIsRegistered() => ForAll(
        Gen.ListOf(Gen.Frequency((4, Gen.Constant(IrqOp.SignalledStore)), (2, Gen.Constant(IrqOp.PlainStore)), (2, Gen.Constant(IrqOp.SignalIeqTrigger)),
                                 (1, Gen.Constant(IrqOp.SignalIeqQuiet)), (1, Gen.Constant(IrqOp.ToggleSba)))).Select(l => l.ToArray()).ToArbitrary(), ops =>
    {
        using var s = OpenReady();
        var dmb = s.MustDmb(0, 100, 4096, s.Gid(1));
        long expected = s.Irqs(0);
        bool sba = true;
        foreach (var (op, i) in ops.Select((op, i) => (op, i)))
        {
            byte value = (byte)(i + 1);
            switch (op)
            {
                case IrqOp.SignalledStore or IrqOp.PlainStore:
                    IsmAssert.Code(IsmCodes.Success, s.Store(1, dmb.Token, i % 4096, [value], op == IrqOp.SignalledStore, value), $"step {i} {op}");
                    IsmAssert.Equal(value, s.Mem(0, dmb.Dma + (ulong)(i % 4096), 1)[0], $"step {i} {op}: the stored byte (SBA registered: {sba})");
                    break;
                case IrqOp.SignalIeqTrigger or IrqOp.SignalIeqQuiet:
                    IsmAssert.Code(IsmCodes.Success, s.SignalIeq(1, s.Gid(0), op == IrqOp.SignalIeqTrigger, 7, (ulong)i), $"step {i} {op}");
                    break;
                default:
                    IsmAssert.Code(IsmCodes.Success, sba ? s.UnregSba(0) : s.RegSba(0, s.Alloc(0, IsmSba.Size)), $"step {i} {(sba ? "UNREG_SBA" : "REG_SBA")}");
                    sba = !sba;
                    break;
            }
            if (sba && op is IrqOp.SignalledStore or IrqOp.SignalIeqTrigger) expected++;
            s.WaitIrqs(0, expected);
            s.Settle();
            IsmAssert.Equal(expected, s.Irqs(0), $"interrupts after step {i} {op} (SBA registered: {sba}, steps [{string.Join(",", ops.Take(i + 1))}])");
        }
    });

    public sealed record EventsCase(int Count, uint Code, ulong Info);

    /// <summary>Rule 63 (research §4.7): after k events header.idx is 1 + the slot of the newest, (k - 1) mod 15 + 1, and that slot holds it.</summary>
    [Checks(Ids.IsmIeqLayoutIdx)]
    public Property HeaderIdxNamesTheNewestEntry() => ForAll(
        Zip3(Gen.Choose(1, 40), U32, U64).Select(t => new EventsCase(t.Item1, t.Item2, t.Item3)).ToArbitrary(), c =>
    {
        using var s = OpenReady();
        for (int k = 1; k <= c.Count; k++)
        {
            IsmAssert.Code(IsmCodes.Success, s.SignalIeq(1, s.Gid(0), false, c.Code ^ (uint)k, c.Info + (ulong)k), $"SIGNAL_IEQ #{k}");
            var eq = s.Ieq(0);
            ulong idx = (ulong)((k - 1) % IsmEq.EntryLength + 1);
            IsmAssert.Equal(idx, eq.Header.Idx, $"header.idx after {k} events");
            IsmAssert.Equal(c.Info + (ulong)k, eq.Entry[(int)idx - 1].Info, $"info of entry {idx - 1} (32 + 32 * {idx - 1} bytes in) after {k} events");
        }
    });

    /// <summary>Rule 63 as a sequence: header.idx and the newest entry follow the model across BUF and SWR events on two functions.</summary>
    [Checks(Ids.IsmIeqLayoutIdx)]
    public Property IeqFollowsTheModelOverSequences() => StateMachine.ToProperty(new IsmMachine(() => OpenReady(2, IsmMachine.HostMemory), IsmMachineChecks.IeqIdx));

    /// <summary>ISM-DEV-IEQ-OVERWRITE (research §4.7, §7): event j goes to entry j mod 15, overwriting older ones without notice.</summary>
    [Checks(Ids.IsmDevIeqOverwrite)]
    public Property EntriesWrapAndOverwrite() => ForAll(
        Zip3(Gen.Choose(1, 47), U32, U64).Select(t => new EventsCase(t.Item1, t.Item2, t.Item3)).ToArbitrary(), c =>
    {
        using var s = OpenReady();
        for (int j = 0; j < c.Count; j++)
            IsmAssert.Code(IsmCodes.Success, s.SignalIeq(1, s.Gid(0), j % 2 == 0, c.Code, c.Info + (ulong)j), $"SIGNAL_IEQ #{j}");
        var eq = s.Ieq(0);
        for (int slot = 0; slot < IsmEq.EntryLength; slot++)
        {
            var newest = Enumerable.Range(0, c.Count).Where(j => j % IsmEq.EntryLength == slot).DefaultIfEmpty(-1).Max();
            var entry = eq.Entry[slot];
            if (newest < 0)
                IsmAssert.Equal(default(IsmEvent), entry, $"entry {slot} after {c.Count} events (never written)");
            else
                IsmAssert.Equal(c.Info + (ulong)newest, entry.Info, $"entry {slot} after {c.Count} events: holds event #{newest}");
        }
    });

    public sealed record SignalIeqCase(int Kind, uint Code, ulong Info, bool Trigger, bool TargetSba);

    /// <summary>ISM-DEV-SIGNAL-IEQ (research §4.5, §4.7): a SWR event (code, tok = sender GID, info) at the target and its event bit; UNKNOWN_GID, NOT_READY.</summary>
    [Checks(Ids.IsmDevSignalIeq)]
    public Property SignalIeqPostsASoftwareEvent() => ForAll(
        Gen.Zip(Gen.Zip(Gen.Choose(0, 2), U32), Zip3(U64, Gen.Elements(true, false), Gen.Elements(true, false)))
           .Select(t => new SignalIeqCase(t.Item1.Item1, t.Item1.Item2, t.Item2.Item1, t.Item2.Item2, t.Item2.Item3)).ToArbitrary(), c =>
    {
        using var s = Open(3);
        s.MustAreas(1);
        s.MustAreas(2);
        s.MustAreas(0, sba: c.TargetSba, ieq: c.Kind != 2);
        var bystander = s.Mem(2, s.IeqAddress(2)!.Value, IsmEq.Size);
        ulong rgid = c.Kind == 1 ? ~(s.Gid(0) | s.Gid(1) | s.Gid(2)) : s.Gid(0);
        var code = s.SignalIeq(1, rgid, c.Trigger, c.Code, c.Info);
        IsmAssert.That(s.Mem(2, s.IeqAddress(2)!.Value, IsmEq.Size).AsSpan().SequenceEqual(bystander), "SIGNAL_IEQ wrote the IEQ of a function it did not name");
        if (c.Kind != 0)
        {
            IsmAssert.Code(c.Kind == 1 ? IsmCodes.UnknownGid : IsmCodes.NotReady, code, c.Kind == 1 ? $"SIGNAL_IEQ to {rgid:X16} (no such function)" : "SIGNAL_IEQ to a function without IEQ");
            return;
        }
        IsmAssert.Code(IsmCodes.Success, code, "SIGNAL_IEQ");
        var ev = s.Ieq(0).Entry[0];
        IsmAssert.Equal((uint)IsmEventType.Swr, ev.Type, "event type");
        IsmAssert.Equal(c.Code, ev.Code, "event code");
        IsmAssert.Equal(s.Gid(1), ev.Tok, "event tok (the sender's GID)");
        IsmAssert.Equal(c.Info, ev.Info, "event info");
        if (c.TargetSba)
            IsmAssert.That(s.Sba(0).Status.E, "the target's event bit e is not set");
    });
}
