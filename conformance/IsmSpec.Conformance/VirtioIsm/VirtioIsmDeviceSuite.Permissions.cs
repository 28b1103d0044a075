using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Specs.VirtioIsm;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>GRANT (draft statements 25-26, "Permissions") and the permission decisions (VISM-DEC-GRANT-*, -DENY-OTHER, -PERM-*).</summary>
public sealed partial class VirtioIsmDeviceSuite
{
    private const VirtioIsmPerm Read = VirtioIsmPerm.Read, Write = VirtioIsmPerm.Write, Attach = VirtioIsmPerm.Attach, Manage = VirtioIsmPerm.Manage;

    /// <summary>Statement 25: GRANT at an offset with no region acks ERR.</summary>
    [Checks(Ids.VismGrantUnknownOffset)]
    public Property GrantRefusesUnassignedOffsets() => ForAll(Arb.Zip(Arb.Zip(Ints(0, 3), Rights().ToArbitrary()), Gen.ListOf(Tokens()).Select(l => l.Take(6).ToArray()).ToArbitrary()), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var live = Enumerable.Range(0, c.Item1.Item1 + 1).Select(_ => a.MustAlloc(1)).ToList();
        foreach (var offset in Unassigned(s, a, live, c.Item2))
            VismAssert.That(!a.Grant(offset, b.Devid, c.Item1.Item2), $"GRANT(0x{offset:X}) acked OK, but no region is assigned there");
    });

    /// <summary>Statement 26: a GRANT is decided by the sender's rights: without MANAGE it acks ERR and changes nothing.</summary>
    [Checks(Ids.VismGrantPermissionCheck)]
    public Property OnlyManageHoldersGrant() => ForAll(Rights().ToArbitrary(), rights =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var r = a.MustAlloc(64);
        b.MustAttach(r, "a fresh region");
        VismAssert.That(a.Grant(r.Offset, b.Devid, rights), $"the allocator's GRANT of {rights} to {b.Name} acked ERR");
        bool manages = (rights & Manage) != 0;
        bool granted = b.Grant(r.Offset, a.Devid, 0);       // try to take every right from the allocator
        VismAssert.Equal(manages, granted, $"ack of a GRANT by a device holding {rights}: OK");
        VismAssert.Equal(!manages, a.Read(r.Offset, 1) is not null, "the allocator can still read after that GRANT");
    });

    /// <summary>Decision: by default devices without an entry may attach, read and write, but not manage.</summary>
    [Checks(Ids.VismDecGrantDefault)]
    public Property DefaultRightsAreReadWriteAttach() => ForAll(Sizes(), size =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var r = a.MustAlloc(size);
        b.MustAttach(r, "default rights include ATTACH");
        VismAssert.That(b.Write(r.Offset, Pattern((int)size, 2)), "a device with the default rights cannot write");
        VismAssert.That(b.Read(r.Offset, (int)size) is { } back && back.AsSpan().SequenceEqual(Pattern((int)size, 2)), "a device with the default rights cannot read");
        VismAssert.That(!b.Grant(r.Offset, 0, Read | Write | Attach | Manage), "a device with the default rights could GRANT (default includes MANAGE)");
    });

    /// <summary>Decision: the allocator keeps every right through any default GRANT, and may re-attach.</summary>
    [Checks(Ids.VismDecGrantOwner)]
    public Property TheAllocatorKeepsItsRights() => ForAll(Rights(denyOther: true).ToArbitrary(), defaults =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var r = a.MustAlloc(32);
        b.MustAttach(r, "a fresh region");
        VismAssert.That(a.Grant(r.Offset, 0, defaults), $"the allocator's default GRANT of {defaults} acked ERR");
        VismAssert.That(a.Write(r.Offset, Pattern(32, 4)) && a.Read(r.Offset, 32) is not null, $"the allocator lost READ or WRITE by a default GRANT of {defaults}");
        VismAssert.That(a.Grant(r.Offset, 0, defaults), $"the allocator lost MANAGE by a default GRANT of {defaults}");
        VismAssert.That(a.Detach(r.Offset), "the allocator's DETACH acked ERR");
        VismAssert.That(a.Attach(r.Token) is not null, $"the allocator could not re-attach after a default GRANT of {defaults}");
    });

    /// <summary>Decision: DENY_OTHER in any GRANT takes ATTACH from devices without an entry until a default GRANT without it; unknown bits ack ERR.</summary>
    [Checks(Ids.VismDecDenyOther)]
    public Property DenyOtherBlocksUnnamedDevices() => ForAll(Arb.Zip(Arb.From(Gen.Elements(0, 1, 2)), Arb.From(Gen.Choose(5, 63))), c =>
    {
        using var s = Open();
        var a = s.Add();
        var named = s.Add();
        var other = s.Add();
        var r = a.MustAlloc(16);
        ulong target = c.Item1 switch { 0 => 0, 1 => named.Devid, _ => a.Devid };
        var rights = c.Item1 == 0 ? Read | Write | Attach : Read | Write | Attach | Manage;
        VismAssert.That(!a.Grant(r.Offset, named.Devid, (VirtioIsmPerm)(1UL << c.Item2)), $"GRANT with unknown permission bit {c.Item2} acked OK");
        VismAssert.That(a.Grant(r.Offset, target, rights | VirtioIsmPerm.DenyOther), "GRANT with DENY_OTHER acked ERR");
        VismAssert.That(other.Attach(r.Token) is null, $"a device without an entry attached after GRANT(peer {target}, {rights}|DENY_OTHER)");
        VismAssert.That(a.Grant(r.Offset, 0, Read | Write | Attach), "default GRANT without DENY_OTHER acked ERR");
        other.MustAttach(r, "DENY_OTHER was lifted by a default GRANT without it");
    });

    /// <summary>Model-based: DENY_OTHER grants among other commands of three guests, attach acks as the model says.</summary>
    [Checks(Ids.VismDecDenyOther)]
    public Property DenyOtherInSequences() => StateMachine.ToProperty(Machine(VismMachineChecks.DenyOther));

    /// <summary>Decision: a per-device table of bounded size; the GRANT that would overflow it acks ERR and changes nothing.</summary>
    [Checks(Ids.VismDecGrantTable)]
    public Property GrantTableIsBounded() => ForAll(Tokens().ToArbitrary(), seed =>
    {
        using var s = Open();
        var a = s.Add();
        var c = s.Add();
        var r = a.MustAlloc(16);
        int entries = 0;
        for (ulong devid = (seed | 1UL << 63) - 1024; entries < 1024 && a.Grant(r.Offset, devid, Read); devid++) entries++;
        VismAssert.That(entries < 1024, "1024 per-device GRANTs all acked OK: the table is not bounded");
        VismAssert.That(!a.Grant(r.Offset, c.Devid, Read), $"a GRANT needing entry {entries + 2} acked OK after one was refused");
        c.MustAttach(r, "the refused GRANT (READ only) must not have taken its ATTACH right");
    });

    /// <summary>Decision: ATTACH succeeds exactly when the requester's effective rights include ATTACH.</summary>
    [Checks(Ids.VismDecPermAttach)]
    public Property AttachNeedsTheAttachRight() => ForAll(Arb.Zip(Rights().ToArbitrary(), Arb.From(Gen.Elements(true, false))), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var r = a.MustAlloc(16);
        VismAssert.That(a.Grant(r.Offset, c.Item2 ? b.Devid : 0, c.Item1), "the allocator's GRANT acked ERR");
        bool may = (c.Item1 & Attach) != 0;
        VismAssert.Equal(may, b.Attach(r.Token) is not null, $"ATTACH acked OK with {(c.Item2 ? "own" : "default")} rights {c.Item1}");
    });

    /// <summary>Decision: READ and WRITE are checked on every access of attached devices (views, notify) without dropping the reference.</summary>
    [Checks(Ids.VismDecPermAccess)]
    public Property AccessFollowsTheCurrentRights() => ForAll(Gen.ListOf(Rights()).Select(l => l.Take(4).ToArray()).ToArbitrary(), grants =>
    {
        using var s = Open();
        var a = s.Add(EventFeatures);
        var b = s.Add(EventFeatures);
        var r = a.MustAlloc(16);
        b.MustAttach(r, "a fresh region");
        var listener = new VismListener(a, s.Host.VectorCount);
        listener.Watch(r.Offset);
        foreach (var rights in grants.Prepend(Read | Write))
        {
            VismAssert.That(a.Grant(r.Offset, b.Devid, rights), "the allocator's GRANT acked ERR");
            VismAssert.Equal((rights & Read) != 0, b.Read(r.Offset, 16) is not null, $"read allowed with {rights}");
            VismAssert.Equal((rights & Write) != 0, b.Write(r.Offset, Pattern(16, 6)), $"write allowed with {rights}");
            if (EventFeatures == 0) continue;
            b.Notify(r.Offset);
            VismAssert.Equal((rights & Write) != 0, listener.Updates().Contains(r.Offset), $"a notify by a device holding {rights} was reported");
        }
        VismAssert.That(b.Detach(r.Offset), "the reference was dropped by a GRANT: DETACH acked ERR");
    });
}
