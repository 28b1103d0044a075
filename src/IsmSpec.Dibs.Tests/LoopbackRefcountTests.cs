namespace IsmSpec.Dibs.Tests;

/// <summary>Loopback reference counting and attach (research §3.2, §3.3, rules 31–35, 37, 68).</summary>
public class LoopbackRefcountTests
{
    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoRefcount)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoFreeAtZero)]
    public void Register_is_one_reference_attach_adds_one_and_the_dmb_is_freed_at_zero()
    {
        var bed = new LoopbackBed();
        var dmb = bed.Register(64);
        Assert.Equal(0, bed.Attach(dmb.DmbTok, out _));
        Assert.Equal(0, bed.Attach(dmb.DmbTok, out _));

        Assert.Equal(0, bed.Lo.DetachDmb(bed.Dev, dmb.DmbTok));
        Assert.Equal(0, bed.Unregister(dmb));
        Assert.Equal(1, bed.Lo.DmbCount);
        Assert.True(bed.Lo.GetDmbMemory(bed.Dev, dmb.DmbTok).IsOk);

        Assert.Equal(0, bed.Lo.DetachDmb(bed.Dev, dmb.DmbTok));
        Assert.Equal(0, bed.Lo.DmbCount);
        Assert.Equal(-Errno.EINVAL, bed.Lo.GetDmbMemory(bed.Dev, dmb.DmbTok).Code);
        Assert.Equal(0u, bed.Register(8).Idx); // the index went back
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoUnknownTokenEinval)]
    public void Unknown_tokens_are_EINVAL_for_unregister_attach_detach_and_move_data()
    {
        var bed = new LoopbackBed();
        var known = bed.Register(8);
        var unknown = new DibsDmb { DmbTok = known.DmbTok ^ 1 };
        Assert.Equal(-Errno.EINVAL, bed.Lo.UnregisterDmb(bed.Dev, ref unknown));
        Assert.Equal(-Errno.EINVAL, bed.Attach(unknown.DmbTok, out _));
        Assert.Equal(-Errno.EINVAL, bed.Lo.DetachDmb(bed.Dev, unknown.DmbTok));
        Assert.Equal(-Errno.EINVAL, bed.Lo.MoveData(bed.Dev, unknown.DmbTok, 0, true, 0, [1]));
        Assert.Empty(bed.Owner.Irqs);
        Assert.Equal(1, bed.Lo.DmbCount);
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoAttachDyingEinval)]
    public void Attach_after_the_last_reference_is_gone_is_EINVAL()
    {
        // In the kernel a DMB sits at refcount 0 for a moment before it leaves the table; here a node at 0
        // is refused by attach as well (LoopbackDmbTable.TakeRef) and then leaves the table. Both paths: -EINVAL.
        var bed = new LoopbackBed();
        var dmb = bed.Register(8);
        Assert.Equal(0, bed.Attach(dmb.DmbTok, out _));
        Assert.Equal(0, bed.Unregister(dmb));
        Assert.Equal(0, bed.Lo.DetachDmb(bed.Dev, dmb.DmbTok));
        Assert.Equal(-Errno.EINVAL, bed.Attach(dmb.DmbTok, out _));
    }

    [Fact, Trait(Req.Trait, DibsSpec.Ids.DibsLoOwnerUnregAttached)]
    public void After_the_owner_unregisters_an_attached_dmb_its_token_keeps_working_until_the_last_detach()
    {
        var bed = new LoopbackBed();
        var dmb = bed.Register(64);
        Assert.Equal(0, bed.Attach(dmb.DmbTok, out _));
        Assert.Equal(0, bed.Unregister(dmb));
        // As in the kernel, the owner entry stays until the last reference goes (the owner still gets signals
        // and cannot leave the layer yet).
        Assert.Equal(bed.Owner.Client.Id, bed.Dev.DmbOwner(dmb.Idx));
        Assert.Equal(-Errno.EBUSY, bed.Layer.UnregisterClient(bed.Owner.Client).Code);

        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 0, true, 3, [7]));
        Assert.Equal([(bed.Dev, dmb.Idx, (ushort)0x1000)], bed.Owner.Irqs);
        Assert.Equal(7, bed.Bytes(dmb.DmbTok)[3]);
        Assert.Equal(0, bed.Attach(dmb.DmbTok, out _));
        Assert.Equal(0, bed.Lo.DetachDmb(bed.Dev, dmb.DmbTok));
        Assert.Equal(0, bed.Lo.DetachDmb(bed.Dev, dmb.DmbTok));
        Assert.Equal(-Errno.EINVAL, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 0, false, 0, [1]));
        Assert.True(bed.Layer.UnregisterClient(bed.Owner.Client).IsOk);
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoAttachSameMemory)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoDmaAddrAllOnes)]
    public void Attach_returns_the_dmbs_own_memory_and_writes_through_it_show_at_once()
    {
        var bed = new LoopbackBed();
        bed.Register(8);
        var dmb = bed.Register(100);
        Assert.Equal(0, bed.Attach(dmb.DmbTok, out var attached));
        Assert.Equal((dmb.DmbTok, dmb.Idx, dmb.CpuAddr, 100u, DibsSpec.DibsDmaAddrInvalid),
            (attached.DmbTok, attached.Idx, attached.CpuAddr, attached.DmbLen, attached.DmaAddr));

        var view = bed.Lo.GetDmbMemory(bed.Dev, attached.DmbTok).Value;
        view.Span[42] = 0xAB;
        Assert.Equal(0xAB, bed.Bytes(dmb.DmbTok)[42]);
        Assert.Equal(0, bed.Lo.MoveData(bed.Dev, dmb.DmbTok, 0, false, 43, [0xCD]));
        Assert.Equal(0xCD, view.Span[43]);
    }

    [Fact]
    [Trait(Req.Trait, DibsSpec.Ids.DibsClientBalancedCalls)]
    [Trait(Req.Trait, DibsSpec.Ids.DibsLoRefcount)]
    public void An_extra_unregister_drops_the_attachers_reference_which_is_why_calls_must_balance()
    {
        var bed = new LoopbackBed();
        var dmb = bed.Register(8);
        Assert.Equal(0, bed.Attach(dmb.DmbTok, out _));
        Assert.Equal(0, bed.Unregister(dmb));
        Assert.Equal(0, bed.Unregister(dmb)); // unbalanced: takes the attacher's reference
        Assert.Equal(0, bed.Lo.DmbCount);
        Assert.Equal(-Errno.EINVAL, bed.Lo.DetachDmb(bed.Dev, dmb.DmbTok));
        Assert.Equal(-Errno.EINVAL, bed.Unregister(dmb));
    }
}
