using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Dibs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism.Driver;

/// <summary>Return codes: -EIO for the area commands (rule 48), raw positive device codes to the client (rule 49).</summary>
public sealed partial class IsmDriverSuite
{
    /// <summary>How the suite answers UNREG_IEQ / UNREG_SBA at remove: the device (0), 0xFFFF after the device ran it, or a failure code it never saw.</summary>
    public enum UnregAnswer { Device, IsmError, Failure }

    public sealed record InitCase(int Phase, ushort Code, UnregAnswer Ieq, UnregAnswer Sba);

    private static IsmAnswer? Unreg(UnregAnswer a, ushort code) => a switch
    {
        UnregAnswer.IsmError => new IsmAnswer(0xFFFF, Forward: true),
        UnregAnswer.Failure => new IsmAnswer(code == 0xFFFF ? (ushort)2 : code),
        _ => null,
    };

    /// <summary>
    /// Rule 48 (research §4.6): a REG_SBA or REG_IEQ answered with any non-zero code fails probe with -EIO; at remove,
    /// UNREG_IEQ and UNREG_SBA answered 0 or 0xFFFF count as success, any other code makes remove -EIO.
    /// </summary>
    [Checks(S390IsmSpec.Ids.IsmInitFailureEio)]
    public Property AreaCommandFailuresAreEio() => ForAll(
        Gen.Zip(Gen.Zip(Gen.Choose(0, 2), FailureCode), Gen.Zip(Gen.Elements(Enum.GetValues<UnregAnswer>()), Gen.Elements(Enum.GetValues<UnregAnswer>())))
           .Select(t => new InitCase(t.Item1.Item1, t.Item1.Item2, t.Item2.Item1, t.Item2.Item2)), c =>
    {
        if (c.Phase < 2)
        {
            uint failing = c.Phase == 0 ? IsmCommands.RegSbaCode : IsmCommands.RegIeqCode;
            using var bed = IsmDriverBed.Unprobed(Driver, setup: p => p.Answer = (code, _) => code == failing ? new IsmAnswer(c.Code) : null);
            int rc = bed.Probe(0x1A2B, 0);
            That(rc == -Errno.EIO, $"probe with {CmdName(failing)} answered 0x{c.Code:X4} returned {Errno.Name(rc)}, not -EIO");
            return;
        }
        using var b = Open();
        b.Pci.Answer = (code, _) => code switch
        {
            IsmCommands.UnregIeqCode => Unreg(c.Ieq, c.Code),
            IsmCommands.UnregSbaCode => Unreg(c.Sba, c.Code),
            _ => null,
        };
        int before = b.Pci.Count;
        int removed = b.Remove();
        var sent = b.Pci.CommandsSince(before).Select(x => x.Code).ToHashSet();
        That(sent.Contains(IsmCommands.UnregIeqCode) && sent.Contains(IsmCommands.UnregSbaCode), $"remove sent [{string.Join(", ", sent.Select(CmdName))}]: UNREG_IEQ and UNREG_SBA, whose answers are judged, are missing");
        bool tolerated = c.Ieq != UnregAnswer.Failure && c.Sba != UnregAnswer.Failure;
        That(tolerated ? removed == 0 : removed == -Errno.EIO,
            $"remove with UNREG_IEQ {c.Ieq} and UNREG_SBA {c.Sba} (code 0x{c.Code:X4}) returned {Errno.Name(removed)}, expected {(tolerated ? "0 (0 and 0xFFFF count as success)" : "-EIO")}");
    });

    public sealed record RawCase(CmdOp Op, ushort Code, uint Value);

    /// <summary>
    /// Rule 49: a device failure of QUERY_RGID, REG_DMB, UNREG_DMB, ADD/DEL_VLAN_ID or SIGNAL_IEQ reaches the DIBS
    /// client as the positive device code itself (0xFFFF included), not as a negative errno.
    /// </summary>
    [Checks(S390IsmSpec.Ids.IsmRawCodesToClient)]
    public Property DeviceFailuresReachTheClientRaw() => ForAll(
        Gen.Zip(Gen.Elements(Enum.GetValues<CmdOp>()), Gen.Zip(FailureCode, Gen.Choose(0, 0xFFF))).Select(t => new RawCase(t.Item1, t.Item2.Item1, (uint)t.Item2.Item2)), c =>
    {
        using var b = Open(32);
        var live = new Stack<(ulong Token, uint Idx)>();
        if (c.Op == CmdOp.Unregister)
        {
            That(b.Register(4096, 0, out var dmb) == 0, "register_dmb of 4096 bytes failed on a device that accepted it");
            live.Push((dmb.DmbTok, dmb.Idx));
        }
        uint code = CodeOf(c.Op);
        b.Pci.Answer = (x, _) => x == code ? new IsmAnswer(c.Code) : null;
        int? rc = RunOp(b, new CmdStep(c.Op, 1, c.Code, 1, c.Value), live);
        That(rc == c.Code, $"{c.Op} answered 0x{c.Code:X4} by the device returned {(rc is { } r ? $"{r} ({Errno.Name(r)})" : "nothing")}, not {c.Code}");
    });
}
