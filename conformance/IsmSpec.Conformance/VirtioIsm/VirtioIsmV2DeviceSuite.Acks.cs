using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.VirtioIsm.V2;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;
using V1 = IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>Version 2: the errno-like acks (VISM2-DEC-ACK-MAP), for refusals and for malformed or other-generation requests.</summary>
public sealed partial class VirtioIsmV2DeviceSuite
{
    /// <summary>ENOENT for an unknown token, E2BIG above region_size, PERM_EATTACH for a third guest, ERR for attach twice and GRANT without MANAGE.</summary>
    [Checks(Ids.Vism2DecAckMap)]
    public Property RefusalsCarryTheirAck() => ForAll(Arb.Zip(Arb.Zip(Tokens().ToArbitrary(), Ints(1, 1 << 20)), Sizes()), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var third = s.Add();
        var ((unknown, over), size) = c;
        var r = a.MustAlloc(size);
        if (unknown == r.Token) unknown ^= 1;
        Expect(VirtioIsmAck.Enoent, a.AttachRaw(unknown).Ack, $"ATTACH of unknown token 0x{unknown:X}");
        Expect(VirtioIsmAck.E2Big, a.AllocRaw(Device.RegionSize + (ulong)over).Ack, $"ALLOC({Device.RegionSize + (ulong)over}) above region_size {Device.RegionSize}");
        b.MustAttach(r, "a fresh region");
        Expect(VirtioIsmAck.PermEattach, third.AttachRaw(r.Token).Ack, "ATTACH by a third guest of a region two guests share");
        Expect(VirtioIsmAck.Err, b.AttachRaw(r.Token).Ack, "ATTACH of a region the guest already holds");
        Expect(VirtioIsmAck.Err, b.GrantDefault(r.Token, Read), "GRANT_SET_DEFAULT by a holder without MANAGE");
        VismAssert.That(b.DetachAck(r.Token) == VirtioIsmAck.Ok && a.DetachAck(r.Token) == VirtioIsmAck.Ok, "DETACH by a holder did not ack OK");
        Expect(VirtioIsmAck.Enoent, third.AttachRaw(r.Token).Ack, "ATTACH with the token of a freed region");
    });

    /// <summary>ENOSPEC when the window or the space is full, ENOMEM beyond the host's memory budget.</summary>
    [Checks(Ids.Vism2DecAckMap)]
    public Property ExhaustionCarriesItsAck() => ForAll(Arb.Zip(Ints(1, Math.Max(1, Device.Slots - 1)), Sizes()), c =>
    {
        var (m, size) = c;
        using (var s = Open())
        {
            var g = s.Add();
            for (int i = 0; i < s.Host.MaxReferencesPerDevice; i++) g.MustAlloc(size);
            Expect(VirtioIsmAck.Enospec, g.AllocRaw(size).Ack, $"ALLOC beyond the device's window of {s.Host.MaxReferencesPerDevice} references");
            for (int held = s.Host.MaxReferencesPerDevice; held < Device.Slots; held++)
            {
                if (held % s.Host.MaxReferencesPerDevice == 0) g = s.Add();
                g.MustAlloc(size);
            }
            Expect(VirtioIsmAck.Enospec, s.Add().AllocRaw(size).Ack, $"ALLOC with all {Device.Slots} slots in use");
        }
        using (var s = Open(new VirtioIsmHostRequest(MemoryRegions: m, Version: 2)))
        {
            var g = s.Add();
            for (int i = 0; i < m; i++)
            {
                if (i > 0 && i % s.Host.MaxReferencesPerDevice == 0) g = s.Add();
                g.MustAlloc(size);
            }
            Expect(VirtioIsmAck.Enomem, s.Add().AllocRaw(size).Ack, $"ALLOC beyond the memory for {m} regions");
        }
    });

    /// <summary>Malformed, unknown, wrong-length, oversized and version-1-framed requests get ERR (255) alone; any request gets a defined ack.</summary>
    [Checks(Ids.Vism2DecAckMap)]
    public Property MalformedRequestsGetErrAlone() => ForAll(Gen.ListOf(Requests()).Select(l => l.Take(12).ToArray()).ToArbitrary(), requests =>
    {
        using var s = Open();
        var g = s.Add();
        foreach (var (bytes, malformed) in requests)
        {
            var reply = g.Send(bytes, Vism2Guest.AreaReplyCapacity, $"request {Convert.ToHexString(bytes)}");
            VismAssert.That(VirtioIsmAckInfo.IsDefined((VirtioIsmAck)reply[0]), $"ack {reply[0]} (not a version-2 ack) for {Convert.ToHexString(bytes)}");
            if (malformed)
                VismAssert.That(reply is [255], $"malformed request {Convert.ToHexString(bytes)} got reply {Convert.ToHexString(reply)}, not ERR (255) alone");
        }
    });

    private static void Expect(VirtioIsmAck expected, VirtioIsmAck actual, string what) =>
        VismAssert.That(actual == expected, $"{what} acked {Acks.Name(actual)}, not {Acks.Name(expected)}");

    /// <summary>Random well-formed commands; malformed ones: unknown class or command, wrong length, truncated, oversized, version-1 framing.</summary>
    private static Gen<(byte[] Bytes, bool Malformed)> Requests()
    {
        var commands = VirtioIsmCtrl.Commands;
        Gen<byte[]> Body(int n) => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n);
        byte[] Frame(byte cls, uint code, byte[] body) => new[] { cls, (byte)code }.Concat(body).ToArray();
        var wellFormed = Gen.Elements(commands).SelectMany(c => Body(c.RequestSize).Select(b => (Frame((byte)c.Class, c.Code, b), false)));
        var unknownClass = Gen.Zip(Gen.Choose(5, 255), Gen.Choose(0, 30)).SelectMany(t => Body(t.Item2).Select(b => (Frame((byte)t.Item1, 0, b), true)));
        var unknownCode = Gen.Elements(commands).SelectMany(c => Gen.Choose(2, 255).SelectMany(code => Body(c.RequestSize).Select(b => (Frame((byte)c.Class, (uint)code, b), true))));
        var badLength = Gen.Zip(Gen.Elements(commands), Gen.Choose(0, 40)).Where(t => t.Item2 != t.Item1.RequestSize)
            .SelectMany(t => Body(t.Item2).Select(b => (Frame((byte)t.Item1.Class, t.Item1.Code, b), true)));
        var truncated = Gen.Choose(0, 255).Select(c => (new[] { (byte)c }, true));
        var oversized = Gen.Choose(65, 300).SelectMany(n => Body(n).Select(b => (b, true)));
        // Version-1 framing of ATTACH {token} (10 bytes) and GRANT {offset, peer_devid, permissions} (26 bytes): wrong lengths here.
        var v1 = Gen.Elements(V1.VirtioIsmCtrl.AttachRequestLength, V1.VirtioIsmCtrl.GrantRequestLength)
            .SelectMany(n => Body(n - 2).Select(b => (Frame(n == V1.VirtioIsmCtrl.GrantRequestLength ? (byte)3 : (byte)1, 0, b), true)));
        return Gen.Frequency((3, wellFormed), (2, unknownClass), (2, unknownCode), (2, badLength), (1, truncated), (1, oversized), (1, v1));
    }
}
