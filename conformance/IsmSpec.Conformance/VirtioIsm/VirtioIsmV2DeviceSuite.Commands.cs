using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.VirtioIsm.V2;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>Version 2: token keys, ATTACH's rw_perm, the GRANT split and CLEAN_DEFAULT.</summary>
public sealed partial class VirtioIsmV2DeviceSuite
{
    /// <summary>TOKEN-KEYED: DETACH, both GRANTs and EVENT_VECTOR ack ENOENT for unknown, freed or unreferenced tokens and leave the region alone.</summary>
    [Checks(Ids.Vism2DecTokenKeyed)]
    public Property CommandsNameRegionsByToken() => ForAll(Arb.Zip(Arb.Zip(Ints(0, 3), Ints(0, 2)), Tokens().ToArbitrary()), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var stranger = s.Add();
        var r = a.MustAlloc(64);
        var freed = a.MustAlloc(1);
        VismAssert.That(a.DetachAck(freed.Token) == VirtioIsmAck.Ok, "DETACH by the only holder did not ack OK");
        ulong token = c.Item1.Item2 switch { 0 => c.Item2, 1 => r.Token, _ => freed.Token };
        if (token == r.Token && c.Item1.Item2 == 0) token ^= 1;
        string kind = c.Item1.Item2 switch { 0 => "an unknown token", 1 => "the token of a region it does not reference", _ => "the token of a freed region" };
        VirtioIsmAck Run(Vism2Guest g, ulong t) => c.Item1.Item1 switch
        {
            0 => g.DetachAck(t),
            1 => g.GrantDefault(t, Read),
            2 => g.GrantFor(t, b.Devid, Read | Write | Attach),
            _ => g.EventVector(t, 0),
        };
        string command = new[] { "DETACH", "GRANT_SET_DEFAULT", "GRANT_SET_FOR_DEVICE", "EVENT_VECTOR" }[c.Item1.Item1];
        var ack = Run(stranger, token);
        VismAssert.That(ack == VirtioIsmAck.Enoent, $"{command} with {kind} acked {Acks.Name(ack)}, not ENOENT");
        VismAssert.That(a.Read(r.Offset, 1) is not null, $"the holder lost its region after another guest's {command} by token");
        var mine = Run(a, r.Token);
        VismAssert.That(mine == VirtioIsmAck.Ok, $"{command} by the holder with its own token acked {Acks.Name(mine)}");
    });

    /// <summary>ATTACH-RW-PERM: ERR for bad rw_perm/pad, else PERM_EATTACH / PERM_EREAD / PERM_EWRITE by the rights; later accesses follow the grants in force.</summary>
    [Checks(Ids.Vism2DecAttachRwPerm)]
    public Property AttachChecksRwPermAgainstTheRights() => ForAll(Arb.Zip(Arb.Zip(Rights(), Rights()), RwPerms()), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var ((rights, later), (rw, pad)) = c;
        var r = a.MustAlloc(32);
        VismAssert.That(a.GrantDefault(r.Token, rights) == VirtioIsmAck.Ok, $"the allocator's GRANT_SET_DEFAULT({rights}) did not ack OK");
        var expected = (rw & ~3u) != 0 || pad != 0 ? VirtioIsmAck.Err
            : (rights & Attach) == 0 ? VirtioIsmAck.PermEattach
            : (rw & 1) != 0 && (rights & Read) == 0 ? VirtioIsmAck.PermEread
            : (rw & 2) != 0 && (rights & Write) == 0 ? VirtioIsmAck.PermEwrite
            : VirtioIsmAck.Ok;
        var (ack, _) = b.AttachRaw(r.Token, rw, pad);
        VismAssert.That(ack == expected, $"ATTACH with rw_perm 0x{rw:X}, pad 0x{pad:X} and rights {rights} acked {Acks.Name(ack)}, not {Acks.Name(expected)}");
        if (ack != VirtioIsmAck.Ok) return;
        foreach (var now in new[] { rights, later })
        {
            if (now != rights) VismAssert.That(a.GrantDefault(r.Token, now) == VirtioIsmAck.Ok, "the allocator's second GRANT_SET_DEFAULT did not ack OK");
            VismAssert.Equal((now & Read) != 0, b.Read(r.Offset, 32) is not null, $"read allowed (attached with rw_perm 0x{rw:X}, rights now {now})");
            VismAssert.Equal((now & Write) != 0, b.Write(r.Offset, Pattern(32, 3)), $"write allowed (attached with rw_perm 0x{rw:X}, rights now {now})");
        }
    });

    /// <summary>rw_perm words (mostly READ/WRITE combinations, some with other bits) and pads (mostly 0).</summary>
    private static Arbitrary<(uint RwPerm, uint Pad)> RwPerms() =>
        Gen.Zip(Gen.Frequency((4, Gen.Choose(0, 3).Select(x => (uint)x)), (1, ArbMap.Default.GeneratorFor<uint>()), (1, Gen.Choose(2, 31).Select(b => 1u << b))),
                Gen.Frequency((5, Gen.Constant(0u)), (1, ArbMap.Default.GeneratorFor<uint>())))
           .Select(t => (t.Item1, t.Item2)).ToArbitrary();

    /// <summary>GRANT-SPLIT: (3,0) sets the defaults, (3,1) one device's entry; no MANAGE, peer_devid 0 or bits above 4 ack ERR and change nothing.</summary>
    [Checks(Ids.Vism2DecGrantSplit)]
    public Property GrantSetDefaultAndForDeviceAreSeparate() => ForAll(Arb.Zip(Arb.Zip(Rights(), Rights()), Ints(5, 63)), c =>
    {
        using var s = Open();
        var a = s.Add();
        var named = s.Add();
        var unnamed = s.Add();
        var ((defaults, own), bit) = c;
        var (forNamed, forUnnamed, shared) = (a.MustAlloc(16), a.MustAlloc(16), a.MustAlloc(16));
        foreach (var r in new[] { forNamed, forUnnamed })
        {
            VismAssert.That(a.GrantDefault(r.Token, defaults) == VirtioIsmAck.Ok, $"GRANT_SET_DEFAULT({defaults}) by the allocator did not ack OK");
            VismAssert.That(a.GrantFor(r.Token, named.Devid, own) == VirtioIsmAck.Ok, $"GRANT_SET_FOR_DEVICE({own}) by the allocator did not ack OK");
            var high = (VirtioIsmPerm)(1UL << bit);
            foreach (var (what, ack) in new[] { ("GRANT_SET_FOR_DEVICE to peer_devid 0", a.GrantFor(r.Token, 0, 0)),
                ($"GRANT_SET_DEFAULT with bit {bit}", a.GrantDefault(r.Token, high)), ($"GRANT_SET_FOR_DEVICE with bit {bit}", a.GrantFor(r.Token, named.Devid, high)) })
                VismAssert.That(ack == VirtioIsmAck.Err, $"{what} acked {Acks.Name(ack)}, not ERR");
        }
        VismAssert.Equal((own & Attach) != 0, named.Attach(forNamed.Token) is not null, $"ATTACH by the device with its own entry {own} (defaults {defaults}) acked OK");
        VismAssert.Equal((defaults & Attach) != 0, unnamed.Attach(forUnnamed.Token) is not null, $"ATTACH by a device without an entry (defaults {defaults}, other's entry {own}) acked OK");
        named.MustAttach(shared, "a fresh region with the default rights");
        foreach (var (what, ack) in new[] { ("GRANT_SET_DEFAULT", named.GrantDefault(shared.Token, 0)), ("GRANT_SET_FOR_DEVICE", named.GrantFor(shared.Token, named.Devid, 0)) })
            VismAssert.That(ack == VirtioIsmAck.Err, $"{what} by a holder without MANAGE acked {Acks.Name(ack)}, not ERR");
        VismAssert.That(named.Read(shared.Offset, 16) is not null && named.Write(shared.Offset, Pattern(16, 1)), "a refused GRANT without MANAGE took rights away");
    });

    /// <summary>CLEAN-DEFAULT: GRANT_SET_FOR_DEVICE with bit 4 clears the defaults (unnamed devices lose every right), not sticky.</summary>
    [Checks(Ids.Vism2DecCleanDefault)]
    public Property CleanDefaultClearsTheDefaults() => ForAll(Arb.Zip(Arb.Zip(Rights(), Rights()), Bools()), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var named = s.Add();
        var unnamed = s.Add();
        var ((own, later), toOwner) = c;
        var fresh = a.MustAlloc(16);
        VismAssert.That(a.GrantFor(fresh.Token, named.Devid, own | VirtioIsmPerm.CleanDefault) == VirtioIsmAck.Ok, $"GRANT_SET_FOR_DEVICE({own}|CLEAN_DEFAULT) did not ack OK");
        VismAssert.That(unnamed.Attach(fresh.Token) is null, $"a device without an entry attached after GRANT_SET_FOR_DEVICE({own}|CLEAN_DEFAULT)");
        VismAssert.Equal((own & Attach) != 0, named.Attach(fresh.Token) is not null, $"ATTACH by the named device ({own}) after CLEAN_DEFAULT acked OK");

        var used = a.MustAlloc(16);
        b.MustAttach(used, "a fresh region with the default rights");
        var target = toOwner ? a.Devid : named.Devid;
        var rights = toOwner ? Read | Write | Attach | Manage : own;
        VismAssert.That(a.GrantFor(used.Token, target, rights | VirtioIsmPerm.CleanDefault) == VirtioIsmAck.Ok, "GRANT_SET_FOR_DEVICE with CLEAN_DEFAULT did not ack OK");
        VismAssert.That(b.Read(used.Offset, 16) is null && !b.Write(used.Offset, Pattern(16, 2)), "a device attached through the defaults kept READ or WRITE after CLEAN_DEFAULT");
        VismAssert.That(a.Read(used.Offset, 16) is not null, "the allocator lost READ by CLEAN_DEFAULT (its own entry stays)");
        VismAssert.That(a.GrantDefault(used.Token, later) == VirtioIsmAck.Ok, $"GRANT_SET_DEFAULT({later}) after CLEAN_DEFAULT did not ack OK");
        VismAssert.Equal((later & Read) != 0, b.Read(used.Offset, 16) is not null, $"read by a device without an entry after new defaults {later}: CLEAN_DEFAULT must not be sticky; allowed");
    });
}
