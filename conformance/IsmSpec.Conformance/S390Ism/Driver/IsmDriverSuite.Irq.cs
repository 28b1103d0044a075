using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism.Driver;

/// <summary>
/// The interrupt handler (research §4.7; rules 62, 64) with SBA/IEQ contents the suite prepares before it raises the
/// MSI, and bring-up/teardown and identity (research §4.10; rules 65, 66).
/// </summary>
public sealed partial class IsmDriverSuite
{
    /// <summary>DMB bits to raise: owned by a client (registered through the driver), unowned, and below 32; SW events in the IEQ, and whether e is set.</summary>
    public sealed record IrqCase(uint[] Owned, uint[] Unowned, uint[] Low, int Events, bool E, int Seed)
    {
        public override string ToString() => $"IrqCase(owned [{string.Join(",", Owned)}], unowned [{string.Join(",", Unowned)}], low [{string.Join(",", Low)}], {Events} events, e {E}, seed {Seed})";
    }

    private static Gen<uint[]> Distinct(Gen<int> idx, int min, int max) =>
        Gen.ListOf(idx, max).Select(l => l.Distinct().Select(x => (uint)x).ToArray()).Where(a => a.Length >= min);

    private static readonly Gen<int> HighIdx = Gen.Frequency((3, Gen.Choose(32, 80)), (1, Gen.Choose(32, 1919)));

    private static ushort MaskOf(uint idx, int seed) => (ushort)(1 + (idx * 2654435761u + (uint)seed) % 0xFFFF);

    /// <summary>
    /// Rule 62: the summary bit is clear when the first client is called; set DMB bits from 32 up arrive in increasing
    /// order, each with its dmbe_mask, bit and mask already zeroed at the call; unowned bits are cleared without a call;
    /// bits 0..31 are never touched; the IEQ is drained (and e cleared) only when e was set, after every DMB call.
    /// </summary>
    [Checks(S390IsmSpec.Ids.IsmIrqHandlerOrder)]
    public Property HandlerOrder() => ForAll(
        Gen.Zip(Gen.Zip(Distinct(HighIdx, 1, 5), Distinct(HighIdx, 0, 3)), Gen.Zip(Distinct(Gen.Choose(0, 31), 0, 2), Gen.Zip(Gen.Choose(0, 3), Gen.Zip(Gen.Elements(true, false), Gen.Choose(0, 9999)))))
           .Select(t => new IrqCase(t.Item1.Item1, t.Item1.Item2.Except(t.Item1.Item1).ToArray(), t.Item2.Item1, t.Item2.Item2.Item1, t.Item2.Item2.Item2.Item1, t.Item2.Item2.Item2.Item2)), c =>
    {
        using var b = Open(8 + c.Owned.Length, clients: 2);
        foreach (var (idx, k) in c.Owned.Select((x, k) => (x, k)))
            That(b.Register(4096, idx, out _, owner: b.Clients[k % 2]) == 0, $"register_dmb with free idx {idx} failed");
        var calls = new List<(uint Idx, ushort Mask, bool S, bool Bit, ushort MaskNow)>();
        foreach (var client in b.Clients)
            client.OnIrq = (idx, mask) =>
            {
                ref var now = ref b.Sba;
                calls.Add((idx, mask, now.Status.S, (now.DmbBits[(int)idx / 8] & (0x80 >> (int)(idx % 8))) != 0, now.GetDmbeMask((int)idx)));
            };
        var all = c.Owned.Concat(c.Unowned).Concat(c.Low).ToArray();
        lock (b.Pci.HostSync)
        {
            ref var sba = ref b.Sba;
            sba.Status.S = true;
            sba.Status.E = c.E;
            foreach (var i in all)
            {
                sba.DmbBits[(int)i / 8] |= (byte)(0x80 >> (int)(i % 8));
                sba.SetDmbeMask((int)i, MaskOf(i, c.Seed));
            }
            ref var eq = ref b.Ieq;
            for (int k = 0; k < c.Events; k++)
                eq.Entry[k] = new IsmEvent { Type = (uint)IsmEventType.Swr, Code = 0x80, Tok = b.Peer.Gid, Info = (ulong)k };
            eq.Header.Idx = (ulong)c.Events;
        }
        b.ClearLog();
        b.Pci.FireIrq();
        var expected = c.Owned.Order().Select(i => $"{i}:{MaskOf(i, c.Seed):X4}").ToArray();
        That(calls.Select(x => $"{x.Idx}:{x.Mask:X4}").SequenceEqual(expected), $"handle_irq calls [{string.Join(", ", calls.Select(x => $"{x.Idx}:{x.Mask:X4}"))}], expected [{string.Join(", ", expected)}] (owned bits from 32 up, each with its mask)");
        foreach (var x in calls)
            That(!x.S && !x.Bit && x.MaskNow == 0, $"at handle_irq({x.Idx}): summary bit {(x.S ? "still set" : "clear")}, DMB bit {(x.Bit ? "still set" : "clear")}, dmbe_mask 0x{x.MaskNow:X4}: expected all cleared before the call");
        ref var after = ref b.Sba;
        foreach (var i in all)
        {
            bool bit = (after.DmbBits[(int)i / 8] & (0x80 >> (int)(i % 8))) != 0;
            ushort mask = after.GetDmbeMask((int)i);
            That(i < 32 ? bit && mask == MaskOf(i, c.Seed) : !bit && mask == 0, $"after the handler: DMB bit {i} {(bit ? "set" : "clear")}, dmbe_mask 0x{mask:X4}{(i < 32 ? " (indices 0..31 are not to be touched)" : " (expected cleared)")}");
        }
        var log = b.LogLines;
        int events = log.Count(l => l == "event"), lastIrq = log.ToList().FindLastIndex(l => l.StartsWith("irq", StringComparison.Ordinal));
        int wantEvents = c.E ? c.Events * b.Clients.Length : 0;
        That(events == wantEvents, $"{events} handle_event calls, expected {wantEvents} (e {(c.E ? "set" : "clear")}, {c.Events} entries, {b.Clients.Length} clients)");
        That(log.Select((l, k) => (l, k)).All(p => p.l != "event" || p.k > lastIrq), $"an event was handled before the last DMB call: {string.Join(", ", log)}");
        That(!after.Status.E || !c.E, "the event bit is still set after the drain");
    });

    /// <summary>An IEQ entry: type (often 0/1/2), code (often 1/4/7), tok, time, info.</summary>
    private static readonly Gen<IsmEvent> Entries =
        Gen.Zip(Gen.Zip(Gen.Frequency((3, Gen.Choose(0, 2)), (1, Gen.Choose(3, int.MaxValue))), Gen.Frequency((3, Gen.Elements(1, 4, 7)), (2, Gen.Choose(0, 0x200)), (1, Gen.Choose(0, int.MaxValue)))),
                Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(0, int.MaxValue)))
           .Select(t => new IsmEvent { Type = (uint)t.Item1.Item1, Code = (uint)t.Item1.Item2, Tok = (ulong)(uint)t.Item2.Item1 << 33 | (uint)t.Item2.Item2, Time = (ulong)t.Item2.Item2 * 3, Info = ~(ulong)t.Item2.Item1 });

    /// <summary>Rule 64 as the spec states it (research §4.7, __ism_to_dibs_event), independent of any driver.</summary>
    internal static DibsEvent Expected(in IsmEvent e)
    {
        var ev = new DibsEvent
        {
            Type = e.Type switch { 0 => DibsEventType.BufEvent, 1 => DibsEventType.DevEvent, 2 => DibsEventType.SwEvent, _ => DibsEventType.OtherType },
            Time = e.Time,
            Data = e.Info,
        };
        ev.Subtype = ev.Type == DibsEventType.SwEvent ? e.Code : (uint)(e.Code switch
        {
            1 => DibsEventSubtype.DevErrState, 4 => DibsEventSubtype.BufUnregistered, 7 => DibsEventSubtype.DevDisabled, _ => DibsEventSubtype.OtherSubtype,
        });
        if (ev.Type == DibsEventType.BufEvent) ev.BufferTok = e.Tok;
        else if (ev.Type is DibsEventType.DevEvent or DibsEventType.SwEvent) BinaryPrimitives.WriteUInt64BigEndian(ev.Gid, e.Tok);
        return ev;
    }

    private static string Show(DibsEvent e) => $"{e.Type}/{e.Subtype:X} gid {Convert.ToHexString(e.Gid)} tok {e.BufferTok:X16} time {e.Time:X} data {e.Data:X}";

    /// <summary>Up to 14 IEQ entries written at once (15 new entries would bring header.idx back to where it was: ISM-DEV-IEQ-OVERWRITE).</summary>
    public sealed record IeqBatch(IsmEvent[] Entries)
    {
        public override string ToString() => "[" + string.Join("; ", Entries.Select(e => $"type {e.Type} code {e.Code} tok {e.Tok:X16}")) + "]";
    }

    /// <summary>Rule 64: batches of IEQ entries (wrapping the 15-entry queue) reach every client as DIBS events mapped by type, code and tok.</summary>
    [Checks(S390IsmSpec.Ids.IsmIeqEventMapping)]
    public Property IeqEntriesMapToDibsEvents() => ForAll(Gen.NonEmptyListOf(Gen.NonEmptyListOf(Entries).Select(l => new IeqBatch(l.Take(14).ToArray()))).Select(l => l.Take(3).ToArray()), batches =>
    {
        using var b = Open();
        int pos = 0;
        foreach (var (entries, n) in batches.Select((x, n) => (x, n)))
        {
            var batch = entries.Entries;
            int before = b.Client.Events.Count;
            lock (b.Pci.HostSync)
            {
                ref var eq = ref b.Ieq;
                foreach (var e in batch) eq.Entry[pos++ % IsmEq.EntryLength] = e;
                eq.Header.Idx = (ulong)((pos - 1) % IsmEq.EntryLength + 1);
                b.Sba.Status.S = true;
                b.Sba.Status.E = true;
            }
            b.Pci.FireIrq();
            var got = b.Client.Events.Skip(before).ToArray();
            That(got.Length == batch.Length, $"batch {n}: {batch.Length} entries gave {got.Length} events");
            for (int k = 0; k < batch.Length; k++)
            {
                var want = Expected(batch[k]);
                That(got[k].Equals(want), $"batch {n} entry {k} (type {batch[k].Type} code {batch[k].Code} tok {batch[k].Tok:X16}): got {Show(got[k])}, expected {Show(want)}");
            }
        }
    });

    public sealed record LifecycleCase(int Clients, uint Uid, uint Fid);

    /// <summary>
    /// Rule 65 (research §4.10): probe is request_irq, REG_SBA, REG_IEQ with length 512, QUERY_INFO, READ_GID, then
    /// add_dev to every client (dibs_dev_add); remove is del_dev to every client (dibs_dev_del), UNREG_IEQ, UNREG_SBA,
    /// then free_irq. (When the driver frees the SBA/IEQ pages is not visible to the suite.)
    /// </summary>
    [Checks(S390IsmSpec.Ids.IsmLifecycleOrder)]
    public Property BringUpAndTeardownOrder() => ForAll(
        Gen.Zip(Gen.Choose(1, 3), Gen.Zip(Gen.Choose(1, int.MaxValue), Gen.Choose(1, int.MaxValue))).Select(t => new LifecycleCase(t.Item1, (uint)t.Item2.Item1, (uint)t.Item2.Item2)), c =>
    {
        using var b = IsmDriverBed.Unprobed(Driver, clients: c.Clients);
        That(b.Probe(c.Uid, c.Fid) == 0, "probe failed on a function that answered every command");
        var up = b.LogLines;
        string[] steps = ["request_irq", "cmd REG_SBA", "cmd REG_IEQ", "cmd QUERY_INFO", "cmd READ_GID"];
        That(up.Take(steps.Length).SequenceEqual(steps) && up.Skip(steps.Length).Order().SequenceEqual(b.Clients.Select(x => $"add_dev {x.Client.Name}").Order()),
            $"bring-up was [{string.Join(", ", up)}], expected [{string.Join(", ", steps)}, add_dev × {c.Clients}]");
        var regIeq = b.Pci.CommandsSince(0).FirstOrDefault(x => x.Code == IsmCommands.RegIeqCode).Body;
        That(regIeq is { Length: >= 16 } && BinaryPrimitives.ReadUInt64BigEndian(regIeq.AsSpan(8)) == IsmEq.Size, "REG_IEQ did not register length 512");
        b.ClearLog();
        b.Remove();
        var down = b.LogLines;
        string[] tail = ["cmd UNREG_IEQ", "cmd UNREG_SBA", "free_irq"];
        That(down.Take(c.Clients).Order().SequenceEqual(b.Clients.Select(x => $"del_dev {x.Client.Name}").Order()) && down.Skip(c.Clients).SequenceEqual(tail),
            $"teardown was [{string.Join(", ", down)}], expected [del_dev × {c.Clients}, {string.Join(", ", tail)}]");
    });

    public sealed record IdentityCase(uint Uid, uint Fid, ushort Pchid);

    /// <summary>Rule 66: the DIBS device is "ism" + the UID in lower-case hex (the FID when the UID is 0); its fabric id is the PCHID.</summary>
    [Checks(S390IsmSpec.Ids.IsmDevNameFabric)]
    public Property NamedByUidOrFidWithPchidFabric() => ForAll(
        Gen.Zip(Gen.Frequency((1, Gen.Constant(0)), (2, Gen.Choose(1, int.MaxValue))), Gen.Zip(Gen.Choose(1, int.MaxValue), Gen.Choose(0, 0xFFFF)))
           .Select(t => new IdentityCase((uint)t.Item1, (uint)t.Item2.Item1, (ushort)t.Item2.Item2)), c =>
    {
        using var b = Open(pchid: c.Pchid, uid: c.Uid, fid: c.Fid);
        string name = "ism" + (c.Uid != 0 ? c.Uid : c.Fid).ToString("x");
        That(b.Dev.Name == name, $"device named '{b.Dev.Name}', expected '{name}' (uid 0x{c.Uid:x}, fid 0x{c.Fid:x})");
        That(b.Dev.FabricId == c.Pchid, $"fabric id 0x{b.Dev.FabricId:x4}, the PCHID is 0x{c.Pchid:x4}");
    });
}
