using System.Buffers.Binary;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.S390Ism;

namespace IsmSpec.Conformance.S390Ism.Driver;

/// <summary>DMB registration on the driver side (research §4.8; rules 50–55), observed in the REG_DMB/UNREG_DMB bodies.</summary>
public sealed partial class IsmDriverSuite
{
    private const uint First = S390IsmSpec.IsmDmbBitOffset, Last = S390IsmSpec.IsmNrDmbs - 1;

    /// <summary>The REG_DMB bodies (block offset 8 on: dmb, dmb_len, sba_idx @12, vlan, rgid @24) issued since <paramref name="from"/>.</summary>
    internal static byte[][] RegDmbs(IsmDriverBed b, int from) =>
        b.Pci.CommandsSince(from).Where(c => c.Code == IsmCommands.RegDmbCode).Select(c => c.Body).ToArray();

    internal static uint SbaIdx(byte[] body) => body.Length >= 16 ? BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(12)) : uint.MaxValue;

    /// <summary>A register_dmb that must succeed with exactly one REG_DMB whose sba_idx is the index returned.</summary>
    internal static DibsDmb MustRegister(IsmDriverBed b, uint len, uint idx, string what)
    {
        int before = b.Pci.Count;
        int rc = b.Register(len, idx, out var dmb);
        var sent = RegDmbs(b, before);
        That(rc == 0, $"{what}: register_dmb(len {len}, idx {idx}) returned {Errno.Name(rc)} on a device that accepts it");
        That(sent.Length == 1 && SbaIdx(sent[0]) == dmb.Idx, $"{what}: register_dmb returned idx {dmb.Idx} after {sent.Length} REG_DMB ({string.Join(", ", sent.Select(SbaIdx))})");
        return dmb;
    }

    public sealed record IdxRequest(uint Idx, uint Len);

    private static readonly Gen<IdxRequest> IdxRequests =
        Gen.Zip(Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(0, 40)), (1, Gen.Choose(1900, 2100))), Gen.Choose(1, 8192)).Select(t => new IdxRequest((uint)t.Item1, (uint)t.Item2));

    /// <summary>Rule 50: every REG_DMB names an index in 32..1919, and a successful register_dmb returns the index it sent.</summary>
    [Checks(S390IsmSpec.Ids.IsmDmbIdxRange)]
    public Property IndicesStayIn32To1919() => ForAll(Gen.ListOf(IdxRequests, 8).Select(l => l.ToArray()), requests =>
    {
        using var b = Open(48);
        foreach (var (r, i) in requests.Select((r, i) => (r, i)))
        {
            int before = b.Pci.Count;
            int rc = b.Register(r.Len, r.Idx, out var dmb);
            var sent = RegDmbs(b, before);
            That(sent.All(x => SbaIdx(x) is >= First and <= Last), $"request {i} (idx {r.Idx}) sent REG_DMB with sba_idx {string.Join(", ", sent.Select(SbaIdx))}");
            if (rc == 0)
                That(dmb.Idx is >= First and <= Last && sent.Length == 1 && SbaIdx(sent[0]) == dmb.Idx, $"request {i} (idx {r.Idx}) succeeded with idx {dmb.Idx} after {sent.Length} REG_DMB");
        }
    });

    /// <summary>Registers small DMBs until the driver says no; returns the indices and the final code.</summary>
    private static (List<uint> Indices, int Rc, int Sent) Fill(IsmDriverBed b)
    {
        var got = new List<uint>();
        for (int n = 0; n <= 1888; n++)
        {
            int before = b.Pci.Count;
            int rc = b.Register(1, 0, out var dmb);
            var sent = RegDmbs(b, before);
            if (rc != 0) return (got, rc, sent.Length);
            That(sent.Length == 1 && SbaIdx(sent[0]) == dmb.Idx, $"registration {n}: idx {dmb.Idx} returned after {sent.Length} REG_DMB");
            got.Add(dmb.Idx);
        }
        return (got, 0, 0);
    }

    /// <summary>Rule 50: one device holds 1888 DMBs, on exactly the indices 32..1919.</summary>
    [Checks(S390IsmSpec.Ids.IsmDmbIdxRange)]
    public void HoldsExactly1888Dmbs()
    {
        using var b = Open(1888 + 16);
        var (got, rc, _) = Fill(b);
        That(got.Count == 1888 && got.Order().SequenceEqual(Enumerable.Range(32, 1888).Select(i => (uint)i)),
            $"{got.Count} DMBs registered before {Errno.Name(rc)}; indices {(got.Count > 0 ? $"{got.Min()}..{got.Max()}" : "none")}, expected exactly 32..1919");
    }

    /// <summary>Rule 51: register/unregister sequences against a model of the index bitmap (<see cref="IsmDriverMachine"/>).</summary>
    [Checks(S390IsmSpec.Ids.IsmDmbIdxAlloc)]
    public Property LowestFreeIndexOverSequences() => StateMachine.ToProperty(new IsmDriverMachine(() => Open(IsmDriverMachine.Pages)));

    /// <summary>Rule 51: with all 1888 indices taken, idx 0 is -ENOSPC and no REG_DMB is sent.</summary>
    [Checks(S390IsmSpec.Ids.IsmDmbIdxAlloc)]
    public void NoFreeIndexIsEnospc()
    {
        using var b = Open(1888 + 16);
        var (got, rc, sent) = Fill(b);
        That(got.Count == 1888 && rc == -Errno.ENOSPC && sent == 0, $"after {got.Count} DMBs register_dmb returned {Errno.Name(rc)} with {sent} REG_DMB sent, expected -ENOSPC after 1888 and none sent");
    }

    /// <summary>Rule 52: dmb_len whose page-rounded size exceeds 1 MiB is -EINVAL with no REG_DMB; up to 1 MiB it is sent as is.</summary>
    [Checks(S390IsmSpec.Ids.IsmDmbMaxLen)]
    public Property OverOneMibIsEinval() => ForAll(
        Gen.Frequency((2, Gen.Choose(1, 1 << 20).Select(x => (uint)x)), (1, Gen.Choose((1 << 20) - 4096, (1 << 20) + 3 * 4096).Select(x => (uint)x)),
            (1, Gen.Choose(1 << 20, int.MaxValue).Select(x => (uint)x)), (1, Gen.Constant(uint.MaxValue))), len =>
    {
        using var b = Open(256 + 16);
        int before = b.Pci.Count;
        int rc = b.Register(len, 0, out _);
        var sent = RegDmbs(b, before);
        if ((len + 4095L) / 4096 * 4096 > S390IsmSpec.IsmDmbMaxLen)
            That(rc == -Errno.EINVAL && sent.Length == 0, $"dmb_len {len} (over 1 MiB) returned {Errno.Name(rc)} after {sent.Length} REG_DMB, expected -EINVAL before any command");
        else
            That(rc == 0 && sent.Length == 1 && BinaryPrimitives.ReadUInt32BigEndian(sent[0].AsSpan(8)) == len, $"dmb_len {len} (at most 1 MiB) returned {Errno.Name(rc)} after {sent.Length} REG_DMB");
    });

    /// <summary>
    /// Rule 53: REG_DMB (rgid @ body 24), QUERY_RGID and SIGNAL_IEQ (rgid @ body 0) carry exactly GID bytes 0..7; the
    /// device's DIBS GID is READ_GID's 64-bit GID in bytes 0..7 with bytes 8..15 zero.
    /// </summary>
    [Checks(S390IsmSpec.Ids.IsmGid8Bytes)]
    public Property OnlyGidBytes0To7() => ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(x => (byte)x), 16), rgid =>
    {
        using var b = Open(32);
        var gid = IsmDriverBed.Gid16(b.Function.Gid);
        That(b.Dev.Gid.SequenceEqual(gid), $"device GID {Convert.ToHexString(b.Dev.Gid)}, READ_GID said {b.Function.Gid:X16}: expected {Convert.ToHexString(gid)}");
        int before = b.Pci.Count;
        b.Register(4096, 0, out _, rgid);
        b.Ops.QueryRemoteGid(b.Dev, rgid, 0, 0);
        b.Op<IDibsDevOpsSignalEvent<DibsDevice, DibsClient>>("signal_event").SignalEvent(b.Dev, rgid, 0, 1, 2);
        var sent = b.Pci.CommandsSince(before);
        string want = Convert.ToHexString(rgid, 0, 8);
        foreach (var (code, at) in new[] { (IsmCommands.RegDmbCode, 24), (IsmCommands.QueryRgidCode, 0), (IsmCommands.SignalIeqCode, 0) })
        {
            var body = sent.FirstOrDefault(s => s.Code == code).Body;
            That(body is not null && body.Length >= at + 8, $"no {CmdName(code)} with a body was sent for rgid {Convert.ToHexString(rgid)}");
            That(Convert.ToHexString(body!, at, 8) == want, $"{CmdName(code)} rgid {Convert.ToHexString(body!, at, 8)}, expected GID bytes 0..7 {want} of {Convert.ToHexString(rgid)}");
        }
    });

    public sealed record RegResultCase(int Failures, ushort Code, uint Idx);

    /// <summary>
    /// Rule 54: no owner is recorded while REG_DMB is in flight; a refused REG_DMB leaves no owner and releases index
    /// and buffer (the host holds one 64 KiB buffer beside SBA and IEQ, so a leak shows as a refused retry); a
    /// successful one keeps the token the device returned (the later UNREG_DMB sends it) and records the owner at idx − 32.
    /// </summary>
    [Checks(S390IsmSpec.Ids.IsmRegDmbResult)]
    public Property SuccessKeepsTokenAndOwnerFailureReleases() => ForAll(
        Gen.Zip(Gen.Choose(1, 3), Gen.Zip(FailureCode, Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Choose((int)First, (int)Last)))))
           .Select(t => new RegResultCase(t.Item1, t.Item2.Item1, (uint)t.Item2.Item2)), c =>
    {
        const uint Len = 16 * Page;
        using var b = Open(24);
        var atDoorbell = new List<(uint Idx, byte Owner)>();
        b.Pci.BeforeDoorbell = (code, body) => { if (code == IsmCommands.RegDmbCode) atDoorbell.Add((SbaIdx(body), b.OwnerOf(SbaIdx(body)))); };
        uint failedIdx = 0;
        for (int f = 0; f < c.Failures; f++)
        {
            b.Pci.Answer = (code, _) => code == IsmCommands.RegDmbCode ? new IsmAnswer(c.Code) : null;
            int before = b.Pci.Count;
            b.Register(Len, c.Idx, out _);
            var sent = RegDmbs(b, before);
            That(sent.Length == 1, $"failure {f}: register_dmb sent {sent.Length} REG_DMB");
            failedIdx = SbaIdx(sent[0]);
            That(b.OwnerOf(failedIdx) == DibsSpec.NoDibsClient, $"failure {f}: REG_DMB refused with 0x{c.Code:X4}, yet idx {failedIdx} has owner {b.OwnerOf(failedIdx)}");
        }
        b.Pci.Answer = null;
        var dmb = MustRegister(b, Len, c.Idx, $"after {c.Failures} refused REG_DMB (buffer and index released?)");
        That(dmb.Idx == failedIdx, $"after refused REG_DMBs for idx {failedIdx}, the next registration got idx {dmb.Idx}: the index was not released");
        var tokenLoad = b.Pci.Ops.LastOrDefault(o => o is { Kind: PciOpKind.Load, Offset: 8 });
        ulong token = tokenLoad is null ? 0 : BinaryPrimitives.ReadUInt64BigEndian(tokenLoad.Data);
        That(dmb.DmbTok == token, $"register_dmb kept token {dmb.DmbTok:X16}, REG_DMB answered {token:X16}");
        That(b.OwnerOf(dmb.Idx) == b.Client.Client.Id, $"after REG_DMB succeeded the owner of idx {dmb.Idx} (slot {dmb.Idx - 32}) is {b.OwnerOf(dmb.Idx)}, not client {b.Client.Client.Id}");
        foreach (var (idx, owner) in atDoorbell)
            That(owner == DibsSpec.NoDibsClient, $"owner {owner} was recorded for idx {idx} before REG_DMB answered");
        int mark = b.Pci.Count;
        b.Unregister(dmb.DmbTok, dmb.Idx);
        var unreg = b.Pci.CommandsSince(mark).Where(x => x.Code == IsmCommands.UnregDmbCode).Select(x => x.Body).ToArray();
        That(unreg.Length == 1 && unreg[0].Length >= 8 && BinaryPrimitives.ReadUInt64BigEndian(unreg[0]) == token, $"UNREG_DMB did not carry the token {token:X16} REG_DMB returned");
    });

    public sealed record UnregCase(uint Idx, UnregAnswer Answer, ushort Code);

    /// <summary>
    /// Rule 55: the owner entry is already cleared when UNREG_DMB rings the doorbell; only an answer of 0 or 0xFFFF releases
    /// index and buffer (the same idx can be registered again: a REG_DMB for it goes out), any other keeps them (it cannot).
    /// </summary>
    [Checks(S390IsmSpec.Ids.IsmUnregDmbOrder)]
    public Property OwnerClearedFirstReleasedOnlyOn0OrFfff() => ForAll(
        Gen.Zip(Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Choose((int)First, (int)Last))), Gen.Zip(Gen.Elements(Enum.GetValues<UnregAnswer>()), FailureCode))
           .Select(t => new UnregCase((uint)t.Item1, t.Item2.Item1, t.Item2.Item2)), c =>
    {
        const uint Len = 16 * Page;
        using var b = Open(24);
        var dmb = MustRegister(b, Len, c.Idx, "registration");
        byte? owner = null;
        b.Pci.BeforeDoorbell = (code, _) => { if (code == IsmCommands.UnregDmbCode) owner = b.OwnerOf(dmb.Idx); };
        b.Pci.Answer = (code, _) => code == IsmCommands.UnregDmbCode ? Unreg(c.Answer, c.Code) : null;
        b.Unregister(dmb.DmbTok, dmb.Idx);
        b.Pci.Answer = null;
        That(owner is not null, "unregister_dmb sent no UNREG_DMB");
        That(owner == DibsSpec.NoDibsClient, $"owner {owner} of idx {dmb.Idx} was still recorded when UNREG_DMB was sent");
        int before = b.Pci.Count;
        b.Register(Len, dmb.Idx, out _);
        var sent = RegDmbs(b, before);
        bool released = c.Answer != UnregAnswer.Failure;
        That(released ? sent.Length == 1 && SbaIdx(sent[0]) == dmb.Idx : sent.Length == 0,
            $"UNREG_DMB answered {(c.Answer == UnregAnswer.Failure ? $"0x{(c.Code == 0xFFFF ? 2 : c.Code):X4}" : c.Answer.ToString())}: registering idx {dmb.Idx} again sent {sent.Length} REG_DMB, so index and buffer were {(sent.Length == 0 ? "kept" : "released")}");
    });
}
