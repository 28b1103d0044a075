using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Dibs;
using System.Buffers.Binary;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism.Driver;

/// <summary>
/// The s390 ISM driver (role driver of spec/s390-ism: rules 44–46, 48–60, 62, 64–66), checked black-box: the suite
/// is the device. It records every access of the driver to its function (<see cref="RecordingIsmPci"/>), answers
/// through the reference emulated function or with injected codes, prepares SBA/IEQ contents and raises the MSI,
/// and calls the DIBS ops of the device the driver added. Parts: this file (commands, return codes), Dmb, Move, Irq.
/// </summary>
public sealed partial class IsmDriverSuite : ConformanceSuite
{
    private const int Page = IsmDriverBed.Page;

    public IsmDriverSuite(IIsmDriverUnderTest driver)
    {
        ArgumentNullException.ThrowIfNull(driver);
        Driver = driver;
    }

    public IIsmDriverUnderTest Driver { get; }
    public override ISpecInfo Spec => S390IsmSpec.Instance;
    public override string Name => $"s390-ism driver ({Driver.Name})";
    public override bool Covers(Requirement requirement) => requirement.Role == RequirementRole.Driver;

    public override string? NotApplicableReason(Requirement requirement) =>
        requirement.IsMandatory ? null : $"{requirement.LevelText}: a permission, nothing to check";

    internal IsmDriverBed Open(int pages = 16, ushort pchid = 0x0123, int clients = 1, Action<RecordingIsmPci>? setup = null, uint uid = 0x1A2B, uint fid = 0) =>
        IsmDriverBed.Open(Driver, pages * Page, pchid, clients, setup, uid, fid);

    /// <summary>FsCheck over generated cases; the body throws <see cref="ConformanceViolation"/> to fail.</summary>
    private static Property ForAll<T>(Gen<T> cases, Action<T> body) => Prop.ForAll(cases.ToArbitrary(), body);

    private static void That(bool condition, string message)
    {
        if (!condition) throw new ConformanceViolation(message);
    }

    private static string CmdName(uint code) => IsmCmdCodeInfo.SpecNameOf((IsmCmdCode)code) ?? $"0x{code:X}";

    /// <summary>A DIBS op that reaches the device with exactly one command (rule 49's list).</summary>
    public enum CmdOp { QueryRgid, AddVlan, DelVlan, Signal, Register, Unregister }

    /// <summary>An op, how its command is answered (0 device, 1 injected failure <paramref name="Code"/>, 2 injected success with len 8·<paramref name="Len8"/>), and a value.</summary>
    public sealed record CmdStep(CmdOp Op, int Answer, ushort Code, int Len8, uint Value);

    internal static readonly Gen<ushort> FailureCode = Gen.Frequency((3, Gen.Choose(1, 0x20)), (2, Gen.Choose(1, 0xFFFF))).Select(c => (ushort)c);

    private static Gen<CmdStep> Steps(bool inject) =>
        Gen.Zip(Gen.Zip(Gen.Elements(Enum.GetValues<CmdOp>()), inject ? Gen.Choose(0, 2) : Gen.Constant(0)), Gen.Zip(FailureCode, Gen.Zip(Gen.Choose(1, 32), Gen.Choose(0, 0x1FFF))))
           .Select(t => new CmdStep(t.Item1.Item1, t.Item1.Item2, t.Item2.Item1, t.Item2.Item2.Item1, (uint)t.Item2.Item2.Item2));

    private static uint CodeOf(CmdOp op) => op switch
    {
        CmdOp.QueryRgid => IsmCommands.QueryRgidCode, CmdOp.AddVlan => IsmCommands.AddVlanIdCode, CmdOp.DelVlan => IsmCommands.DelVlanIdCode,
        CmdOp.Signal => IsmCommands.SignalIeqCode, CmdOp.Register => IsmCommands.RegDmbCode, _ => IsmCommands.UnregDmbCode,
    };

    /// <summary>Runs one op; registered DMBs go on <paramref name="live"/>, unregister takes the newest (or is skipped). Null when skipped.</summary>
    private static int? RunOp(IsmDriverBed b, CmdStep s, Stack<(ulong Token, uint Idx)> live)
    {
        switch (s.Op)
        {
            case CmdOp.QueryRgid: return b.Ops.QueryRemoteGid(b.Dev, b.PeerGid, s.Value & 1, s.Value & 0xFFF);
            case CmdOp.AddVlan: return b.Op<IDibsDevOpsAddVlanId<DibsDevice, DibsClient>>("add_vlan_id").AddVlanId(b.Dev, s.Value);
            case CmdOp.DelVlan: return b.Op<IDibsDevOpsDelVlanId<DibsDevice, DibsClient>>("del_vlan_id").DelVlanId(b.Dev, s.Value);
            case CmdOp.Signal: return b.Op<IDibsDevOpsSignalEvent<DibsDevice, DibsClient>>("signal_event").SignalEvent(b.Dev, b.PeerGid, s.Value & 1, s.Value, s.Value * 7UL);
            case CmdOp.Register:
                int rc = b.Register(1 + s.Value, 0, out var dmb);
                if (rc == 0) live.Push((dmb.DmbTok, dmb.Idx));
                return rc;
            default:
                if (live.Count == 0) return null;
                var (token, idx) = live.Pop();
                return b.Unregister(token, idx);
        }
    }

    /// <summary>Runs the steps (answered as each says); after every op that ran, its commands must be exactly its one command.</summary>
    private void RunSteps(IsmDriverBed b, CmdStep[] steps)
    {
        var live = new Stack<(ulong, uint)>();
        foreach (var (s, i) in steps.Select((s, i) => (s, i)))
        {
            uint code = CodeOf(s.Op);
            IsmAnswer? answer = s.Answer switch { 1 => new IsmAnswer(s.Code), 2 => new IsmAnswer(0, (ushort)(8 * s.Len8), 0xA5A5_0000_0000_0000UL + ((ulong)i << 32)), _ => null };
            b.Pci.Answer = (c, _) => c == code ? answer : null;
            int before = b.Pci.Count;
            if (RunOp(b, s, live) is null) continue;
            var issued = b.Pci.CommandsSince(before).Select(c => CmdName(c.Code)).ToArray();
            That(issued.Length == 1 && issued[0] == CmdName(code), $"step {i} {s.Op} issued [{string.Join(", ", issued)}], expected one {CmdName(code)}");
        }
        b.Pci.Answer = null;
    }

    /// <summary>
    /// Rule 44 (research §4.2): for every command of probe, the ops and remove — the body (request size − 8 bytes, if
    /// any) at space-2 offset 8, then the 8-byte header at offset 0, then one 8-byte load of the response header at
    /// offset 0; only when ret is 0, loads at 8, 16, … up to resp.len (as the device answered, up to the 256-byte block).
    /// </summary>
    [Checks(S390IsmSpec.Ids.IsmCmdStoreSequence)]
    public Property BodyThenHeaderThenResponse() => ForAll(Gen.ListOf(Steps(inject: true), 8).Select(l => l.ToArray()), steps =>
    {
        using var b = Open(64);
        RunSteps(b, steps);
        b.Remove();
        if (CheckSequence(b.Pci.Ops) is { } problem) throw new ConformanceViolation(problem);
    });

    /// <summary>The first deviation from rule 44 in a trace, or null.</summary>
    internal static string? CheckSequence(IReadOnlyList<PciOp> ops)
    {
        var sizes = IsmCommands.Commands.ToDictionary(c => c.Code, c => c.RequestSize);
        for (int i = 0, n = 0; i < ops.Count; n++)
        {
            while (i < ops.Count && ops[i].Kind is PciOpKind.Block or PciOpKind.RequestIrq or PciOpKind.FreeIrq) i++;
            if (i >= ops.Count) break;
            string at = $"command #{n} (access {i})";
            byte[] body = [];
            if (ops[i] is { Kind: PciOpKind.Store } first && first.Offset != 0)
            {
                That(first.Offset == IsmCommands.HeaderSize, $"{at}: body stored at offset {first.Offset}, not 8");
                body = first.Data;
                i++;
            }
            That(i < ops.Count && ops[i] is { Kind: PciOpKind.Store, Offset: 0, Data.Length: 8 }, $"{at}: {(i < ops.Count ? ops[i].ToString() : "nothing")} where the 8-byte header store at offset 0 belongs");
            uint code = BinaryPrimitives.ReadUInt32BigEndian(ops[i].Data);
            That(sizes.TryGetValue(code, out int size), $"{at}: unknown command code 0x{code:X}");
            That(body.Length == size - IsmCommands.HeaderSize, $"{at} {CmdName(code)}: {body.Length} body bytes stored before the header, the request body is {size - 8}");
            i++;
            That(i < ops.Count && ops[i] is { Kind: PciOpKind.Load or PciOpKind.FailedLoad, Offset: 0 }, $"{at} {CmdName(code)}: {(i < ops.Count ? ops[i].ToString() : "nothing")} after the header, not the response header load at offset 0");
            var hdr = ops[i++].Data;
            bool ok = hdr.Length == 8 && hdr[4] == 0 && hdr[5] == 0;
            int end = ok ? Math.Min((int)BinaryPrimitives.ReadUInt16BigEndian(hdr.AsSpan(6)), 256) : 8;
            for (int off = 8; off < end; off += 8, i++)
                That(i < ops.Count && ops[i] is { Kind: PciOpKind.Load, Data.Length: 8 } l && l.Offset == off, $"{at} {CmdName(code)}: answered ret 0 len {end}, but access {i} is {(i < ops.Count ? ops[i].ToString() : "nothing")}, not the 8-byte load at {off}");
            That(i >= ops.Count || ops[i].Kind is not (PciOpKind.Load or PciOpKind.FailedLoad), $"{at} {CmdName(code)}: {ops[i]} after the response{(ok ? $" of len {end}" : " header with ret ≠ 0")}");
        }
        return null;
    }

    /// <summary>Rule 45: every header carries a known command code and that command's request size in len, for every command the ops issue.</summary>
    [Checks(S390IsmSpec.Ids.IsmCmdHdrLen)]
    public Property HeaderCarriesCodeAndRequestSize() => ForAll(Gen.ListOf(Steps(inject: false), 8).Select(l => l.ToArray()), steps =>
    {
        using var b = Open(64);
        RunSteps(b, steps);
        b.Remove();
        var sizes = IsmCommands.Commands.ToDictionary(c => c.Code, c => c.RequestSize);
        foreach (var op in b.Pci.Ops.Where(o => o is { Kind: PciOpKind.Store, Offset: 0 }))
        {
            That(op.Data.Length >= 8, $"header store of {op.Data.Length} bytes");
            uint code = BinaryPrimitives.ReadUInt32BigEndian(op.Data);
            int len = BinaryPrimitives.ReadUInt16BigEndian(op.Data.AsSpan(6));
            That(sizes.TryGetValue(code, out int size) && len == size, $"header {Convert.ToHexString(op.Data)}: {CmdName(code)} with len {len}, its request is {(sizes.TryGetValue(code, out int s) ? s : -1)} bytes");
        }
    });

    public sealed record ConcurrencyCase(int Threads, int Calls);

    /// <summary>Rule 46: callers on several threads at once; the traffic splits into whole commands, each from one thread, one per call.</summary>
    [Checks(S390IsmSpec.Ids.IsmCmdOneInFlight)]
    public Property OneCommandInFlight() => ForAll(Gen.Zip(Gen.Choose(2, 4), Gen.Choose(1, 6)).Select(t => new ConcurrencyCase(t.Item1, t.Item2)), c =>
    {
        using var b = Open(32, setup: p => p.Spin = 50);
        int before = b.Pci.Count;
        var errors = new List<string>();
        using var go = new Barrier(c.Threads);
        var threads = Enumerable.Range(0, c.Threads).Select(t => new Thread(() =>
        {
            try
            {
                go.SignalAndWait();
                for (int i = 0; i < c.Calls; i++)
                    RunOp(b, new CmdStep((CmdOp)((t + i) % 4), 0, 0, 1, (uint)(t * 16 + i)), new Stack<(ulong, uint)>());
            }
            catch (Exception e)
            {
                lock (errors) errors.Add(e.Message);
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        That(errors.Count == 0, string.Join("; ", errors));
        var ops = b.Pci.Since(before);
        int commands = 0;
        for (int start = 0; start < ops.Count; commands++)
        {
            int end = start + 1;
            while (end < ops.Count && !(ops[end].Kind == PciOpKind.Store && ops[end - 1].Kind != PciOpKind.Store)) end++;
            var segment = ops.Skip(start).Take(end - start).ToArray();
            That(segment.Select(o => o.Thread).Distinct().Count() == 1, $"command #{commands} interleaves threads: {string.Join(" | ", segment.Select(o => $"t{o.Thread} {o}"))}");
            That(segment.Count(o => o is { Kind: PciOpKind.Store, Offset: 0 }) == 1, $"command #{commands} has {segment.Count(o => o is { Kind: PciOpKind.Store, Offset: 0 })} header stores before its response was loaded");
            start = end;
        }
        That(commands == c.Threads * c.Calls, $"{c.Threads * c.Calls} calls issued {commands} commands");
    });
}
