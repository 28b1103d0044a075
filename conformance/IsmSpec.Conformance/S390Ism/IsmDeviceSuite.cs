using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.S390Ism;
using Ids = IsmSpec.Specs.S390Ism.S390IsmSpec.Ids;

namespace IsmSpec.Conformance.S390Ism;

/// <summary>
/// The s390 ISM device (role device of spec/s390-ism: rules 43, 47, 61, 63 and the ISM-DEV-* decisions), checked
/// black-box through raw command blocks, store blocks and host memory — against any ISM function. This file:
/// byte order, return codes and malformed blocks; the other parts: identity/VLAN, DMBs, interrupts.
/// </summary>
public sealed partial class IsmDeviceSuite(IIsmFunctionAdapter adapter) : IsmSuite(adapter)
{
    public override string Name => $"s390-ism device ({Adapter.Name})";

    public override bool Covers(Requirement requirement) => requirement.Role == RequirementRole.Device;

    public sealed record ByteOrderCase(int SbaIdx, int Len, byte SigIdx, uint EventCode, ulong Info);

    /// <summary>
    /// Rule 43 (research §4.1): response headers, READ_GID, REG_DMB, QUERY_INFO, the SBA and the IEQ as raw bytes are
    /// big-endian images; no byte lands where a little-endian image would put it.
    /// </summary>
    [Checks(Ids.IsmByteOrderBe)]
    public Property FieldsAreBigEndianImages() => ForAll(
        Gen.Zip(Gen.Zip(DmbIndex, Gen.Choose(1, 8192)), Zip3(Gen.Choose(0, 255), U32, U64))
           .Select(t => new ByteOrderCase(t.Item1.Item1, t.Item1.Item2, (byte)t.Item2.Item1, t.Item2.Item2, t.Item2.Item3)).ToArbitrary(), c =>
    {
        using var s = OpenReady();
        var responses = new List<(string, byte[], int)> { ("REG_IEQ", s.LastResponse, IsmCommands.RegIeqResponseLength) };
        IsmAssert.Code(IsmCodes.Success, s.ReadGid(0, out _), "READ_GID");
        var gidBytes = s.LastResponse;
        responses.Add(("READ_GID", gidBytes, IsmCommands.ReadGidResponseLength));
        Expect(gidBytes.AsSpan(8, 8), s.Gid(0), "READ_GID gid");
        var dmb = s.MustDmb(0, c.SbaIdx, c.Len, s.Gid(1));
        responses.Add(("REG_DMB", s.LastResponse, IsmCommands.RegDmbResponseLength));
        IsmAssert.That(s.LastResponse.AsSpan(12, 4).IndexOfAnyExcept((byte)0) < 0, $"REG_DMB dmb_tok bytes {Convert.ToHexString(s.LastResponse, 8, 8)}: the low 32 bits (bytes 12..15 big-endian) are not zero");
        s.MustQueryInfo(0);
        responses.Add(("QUERY_INFO", s.LastResponse, IsmCommands.QueryInfoResponseLength));
        Expect(s.LastResponse.AsSpan(8, 4), 1u, "QUERY_INFO version");
        Expect(s.LastResponse.AsSpan(24, 8), s.Gid(0), "QUERY_INFO my_gid");
        IsmAssert.Code(IsmCodes.Success, s.SignalIeq(1, s.Gid(0), false, c.EventCode, c.Info), "SIGNAL_IEQ");
        responses.Add(("SIGNAL_IEQ", s.LastResponse, IsmCommands.SignalIeqResponseLength));
        IsmAssert.That(s.UnregDmb(0, 0xDEAD_0000_0000_0000) != IsmCodes.Success, "UNREG_DMB of an unknown token succeeded");
        responses.Add(("failed UNREG_DMB", s.LastResponse, IsmCommands.HeaderSize));
        foreach (var (what, bytes, len) in responses)
            IsmAssert.That(bytes[6] == 0 && bytes[7] == len, $"{what} response hdr.len bytes {bytes[6]:X2} {bytes[7]:X2}: expected the big-endian image of {len}");

        IsmAssert.Code(IsmCodes.Success, s.Store(1, dmb.Token, 0, [0x5A], sf: true, c.SigIdx), "signalled store");
        var sba = s.Mem(0, s.SbaAddress(0)!.Value, IsmSba.Size);
        IsmAssert.That((sba[0] & 0x3F) == 0 && sba[1] == 0 && sba[2] == 0 && sba[3] == 0, $"SBA status word {Convert.ToHexString(sba, 0, 4)}: s and e are bits 31 and 30, the top of byte 0");
        for (int b = 4; b < 244; b++)
            IsmAssert.That(sba[b] == 0 || (b == 4 + c.SbaIdx / 8 && sba[b] == 0x80 >> (c.SbaIdx % 8)), $"SBA byte {b} is {sba[b]:X2} after a signal to DMB index {c.SbaIdx}: DMB bits are MSB-first (byte {4 + c.SbaIdx / 8}, mask {0x80 >> (c.SbaIdx % 8):X2})");
        var ieq = s.Mem(0, s.IeqAddress(0)!.Value, IsmEq.Size);
        IsmAssert.That(ieq.AsSpan(0, 7).IndexOfAnyExcept((byte)0) < 0, $"IEQ header.idx bytes {Convert.ToHexString(ieq, 0, 8)}: an index up to 15 sits in the last byte of a big-endian u64");
        Expect(ieq.AsSpan(8, 8), (ulong)IsmEq.Size, "IEQ header.ieq_len");
        Expect(ieq.AsSpan(16, 8), (ulong)IsmEvent.Size, "IEQ header.entry_len");
        Expect(ieq.AsSpan(32, 4), (uint)IsmEventType.Swr, "IEQ entry 0 type");
        Expect(ieq.AsSpan(36, 4), c.EventCode, "IEQ entry 0 code");
        Expect(ieq.AsSpan(40, 8), s.Gid(1), "IEQ entry 0 tok");
        Expect(ieq.AsSpan(56, 8), c.Info, "IEQ entry 0 info");
    });

    private static void Expect(ReadOnlySpan<byte> raw, ulong value, string what)
    {
        Span<byte> be = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(be, value);
        IsmAssert.That(raw.SequenceEqual(be[(8 - raw.Length)..]), $"{what}: bytes {Convert.ToHexString(raw)}, expected the big-endian image {Convert.ToHexString(be[(8 - raw.Length)..])}");
    }

    /// <summary>A command whose outcome is known from a tiny state: success ⇔ ret 0 (rule 47, research §4.6).</summary>
    public enum Probe { ReadGid, QueryInfo, RegSba, UnregSba, RegIeq, UnregIeq, RegDmbGood, RegDmbIdx0, UnregDmbBogus, QueryOwnGid, QueryBogusGid, AddVlan, DelVlan, SetVlan }

    /// <summary>Rule 47: ret 0 exactly when the command succeeded, any other value when it failed.</summary>
    [Checks(Ids.IsmRetCodes)]
    public Property ZeroMeansSuccessOtherwiseAnError() => ForAll(Gen.ListOf(Gen.Elements(Enum.GetValues<Probe>()), 12).Select(l => l.ToArray()).ToArbitrary(), probes =>
    {
        using var s = Open(2);
        bool sba = false, ieq = false;
        var vlans = new HashSet<ulong>();
        int idx = 32;
        foreach (var (p, i) in probes.Select((p, i) => (p, i)))
        {
            ulong vlan = (ulong)(i % 3);
            var (ok, code) = p switch
            {
                Probe.ReadGid => (true, s.ReadGid(0, out _)),
                Probe.QueryInfo => (true, s.QueryInfo(0, out _)),
                Probe.RegSba => (!sba, s.RegSba(0, s.Alloc(0, IsmSba.Size))),
                Probe.UnregSba => (sba, s.UnregSba(0)),
                Probe.RegIeq => (!ieq, s.RegIeq(0, s.Alloc(0, IsmSession.IsmHostPage))),
                Probe.UnregIeq => (ieq, s.UnregIeq(0)),
                Probe.RegDmbGood => (true, s.RegDmb(0, new IsmRegDmbRequest { Dmb = s.Alloc(0, 64), DmbLen = 64, SbaIdx = (uint)idx++, Rgid = s.Gid(1) }, out _)),
                Probe.RegDmbIdx0 => (false, s.RegDmb(0, new IsmRegDmbRequest { Dmb = s.Alloc(0, 64), DmbLen = 64, SbaIdx = 0 }, out _)),
                Probe.UnregDmbBogus => (false, s.UnregDmb(0, 0x7777_0000_0000_0000)),
                Probe.QueryOwnGid => (true, s.QueryRgid(0, s.Gid(1))),
                Probe.QueryBogusGid => (false, s.QueryRgid(0, ~s.Gid(0) ^ s.Gid(1))),
                Probe.AddVlan => (true, s.AddVlan(0, vlan)),
                Probe.DelVlan => (vlans.Contains(vlan), s.DelVlan(0, vlan)),
                _ => (true, s.SetVlan(0)),
            };
            IsmAssert.That(ok ? code == 0 : code != 0, $"step {i} {p} answered {IsmCodes.Name(code)}: it {(ok ? "should succeed (ret 0)" : "must fail (ret non-zero)")}");
            if (p == Probe.RegSba || p == Probe.UnregSba) sba = p == Probe.RegSba;
            if (p == Probe.RegIeq || p == Probe.UnregIeq) ieq = p == Probe.RegIeq;
            if (p == Probe.AddVlan) vlans.Add(vlan);
            if (p == Probe.DelVlan) vlans.Remove(vlan);
        }
    });

    public sealed record RetCodeCase(int Kind, uint Code, int Len, int Failing);

    /// <summary>
    /// ISM-DEV-RET-CODES (research §4.6, §7): a failed command answers header only (len 8) with a documented code;
    /// an unknown command code, or a len other than the command's request size, answers ISM_ERROR.
    /// </summary>
    [Checks(Ids.IsmDevRetCodes)]
    public Property FailuresAreHeaderOnlyWithDocumentedCodes() => ForAll(
        Zip3(Gen.Choose(0, 2), U32, Gen.Zip(Gen.Choose(0, 0xFFFF), Gen.Choose(0, 6))).Select(t => new RetCodeCase(t.Item1, t.Item2, t.Item3.Item1, t.Item3.Item2)).ToArbitrary(), c =>
    {
        using var s = OpenReady();
        string what;
        if (c.Kind == 0)
        {
            what = $"failing command #{c.Failing}";
            var code = c.Failing switch
            {
                0 => s.UnregDmb(0, 0x0BAD_0000_0000_0000),
                1 => s.RegSba(0, s.Alloc(0, IsmSba.Size)),
                2 => s.RegDmb(0, new IsmRegDmbRequest { Dmb = s.Alloc(0, 64), DmbLen = 64, SbaIdx = 3 }, out _),
                3 => s.QueryRgid(0, ~(s.Gid(0) | s.Gid(1))),
                4 => s.DelVlan(0, 42),
                5 => s.SignalIeq(0, ~(s.Gid(0) | s.Gid(1)), true, 1, 1),
                _ => s.RegIeq(0, s.Alloc(0, IsmSession.IsmHostPage), 0),
            };
            IsmAssert.That(code != IsmCodes.Success && IsmCodes.IsDocumentedFailure(code), $"{what} answered {IsmCodes.Name(code)}, not a documented failure code");
        }
        else
        {
            var block = new byte[IsmSession.Block];
            var known = IsmCommands.Commands[c.Failing * 2 % IsmCommands.Commands.Length];
            uint cmd = c.Kind == 1 ? (IsmCodes.Commands.Contains(c.Code) ? c.Code ^ 0x8000_0000 : c.Code) : known.Code;
            int len = c.Kind == 1 ? 8 * (1 + c.Len % 5) : (c.Len == known.RequestSize ? c.Len + 1 : c.Len);
            BinaryPrimitives.WriteUInt32BigEndian(block, cmd);
            BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(6), (ushort)len);
            what = c.Kind == 1 ? $"unknown command 0x{cmd:X8}" : $"{known.Name} with len {len} (request size {known.RequestSize})";
            s.Raw(0, block);
            IsmAssert.Code(IsmCodes.IsmError, s.LastRet, what);
        }
        IsmAssert.Equal((ushort)IsmCommands.HeaderSize, s.LastLen, $"{what}: response hdr.len (header only)");
    });

    public sealed record MalformedCase(int Command, ushort Res);

    /// <summary>ISM-DEV-MALFORMED (research §4.2: the driver zeroes every block): reserved hdr.res ≠ 0 → MALFORMED, nothing changes.</summary>
    [Checks(Ids.IsmDevMalformed)]
    public Property NonZeroReservedHeaderIsRefused() => ForAll(
        Gen.Zip(Gen.Choose(0, 6), Gen.Choose(1, 0xFFFF)).Select(t => new MalformedCase(t.Item1, (ushort)t.Item2)).ToArbitrary(), c =>
    {
        using var s = Open(2);
        s.MustAreas(1);
        Action<byte[]> corrupt = b => BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), c.Res);
        var before = (Info(s, 0), Info(s, 1), Convert.ToHexString(s.Mem(1, s.IeqAddress(1)!.Value, IsmEq.Size)));
        ulong page = s.Alloc(0, IsmSession.IsmHostPage);
        var regDmb = new IsmRegDmbRequest { Dmb = page, DmbLen = 100, SbaIdx = 40, Rgid = s.Gid(1) };
        Func<Action<byte[]>?, ushort> command = c.Command switch
        {
            0 => x => s.RegSba(0, page, x),
            1 => x => s.RegIeq(0, page, IsmEq.Size, x),
            2 => x => s.RegDmb(0, regDmb, out _, x),
            3 => x => s.Command(0, IsmCommands.TryWriteAddVlanId, new IsmSetVlanIdRequest { VlanId = 7 }, x),
            4 => x => s.Command(0, IsmCommands.TryWriteSetVlan, default(IsmCmdSimpleRequest), x),
            5 => x => s.Command(0, IsmCommands.TryWriteSignalIeq, new IsmSigIeqRequest { Rgid = s.Gid(1), TriggerIrq = 1, EventCode = 9 }, x),
            _ => x => s.QueryInfo(0, out _, x),
        };
        IsmAssert.Code(IsmCodes.Malformed, command(corrupt), $"command #{c.Command} with hdr.res 0x{c.Res:X4}");
        var after = (Info(s, 0), Info(s, 1), Convert.ToHexString(s.Mem(1, s.IeqAddress(1)!.Value, IsmEq.Size)));
        IsmAssert.That(before == after, $"command #{c.Command} refused as MALFORMED still changed the device (QUERY_INFO or the peer's IEQ differ)");
        IsmAssert.Code(IsmCodes.Success, command(null), $"command #{c.Command} with hdr.res 0 after the refused one");
    });

    private static string Info(IsmSession s, int f)
    {
        s.MustQueryInfo(f);
        return Convert.ToHexString(s.LastResponse);
    }
}
