using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using Ids = IsmSpec.Specs.Dibs.DibsSpec.Ids;

namespace IsmSpec.Conformance.Dibs;

/// <summary>
/// The generic DIBS device contract (DIBS-DEV-*, research §5 rules 12–24, tag D), checked black-box through
/// the device's ops, the reference layer's client table and client callbacks — against any DIBS device.
/// </summary>
public sealed class DibsDeviceSuite(IDibsDeviceAdapter adapter) : DibsSuite(adapter)
{
    public override string Name => $"dibs device ({Adapter.Name})";

    protected override bool InGroup(Requirement r) => r.Role == RequirementRole.Device && r.Id.StartsWith("DIBS-DEV-", StringComparison.Ordinal);

    protected override IReadOnlySet<string> NeedsMemory { get; } = new HashSet<string> { Ids.DibsDevRegisterZero, Ids.DibsDevMoveSync };

    private static bool IsLoopbackFabric(ushort fabric) => fabric == DibsSpec.DibsLoopbackFabric;

    /// <summary>Rule 12: a fixed 16-bit id; 0xFFFF exactly for loopback, which reaches only itself; a device shares its fabric with itself.</summary>
    [Checks(Ids.DibsDevFabricId)]
    public Property FabricIdIsFixedAndMatchesReachability() => ForAll(Arb.Zip(Ints(0, 15), Ints(1, 255)), c =>
    {
        using var s = Open();
        var fabric = s.Ops.GetFabricId(s.Dev);
        DibsAssert.Equal(fabric, s.Ops.GetFabricId(s.Dev), "get_fabric_id on a second call");
        DibsAssert.Equal(Adapter.Kind == DibsDeviceKind.Loopback, IsLoopbackFabric(fabric), $"fabric 0x{fabric:x4} is 0xFFFF (loopback marker) for a {Adapter.Kind} device");
        DibsAssert.Ok(s.Ops.QueryRemoteGid(s.Dev, s.Dev.Gid, 0, 0), "query_remote_gid(own GID) on the device's own fabric");
        if (IsLoopbackFabric(fabric))
            DibsAssert.That(s.Ops.QueryRemoteGid(s.Dev, OtherGid(s.Dev.Gid, c.Item1, (byte)c.Item2), 0, 0) != 0, "a 0xFFFF device reached a GID other than its own");
    });

    /// <summary>Rule 13: 0 exactly for reachable GIDs — the device's own, and not random GIDs no device has.</summary>
    [Checks(Ids.DibsDevQueryRgid)]
    public Property QueryRemoteGidIsZeroExactlyForReachableGids() => ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 16).ToArbitrary(), gid =>
    {
        using var s = Open();
        DibsAssert.Ok(s.Ops.QueryRemoteGid(s.Dev, s.Dev.Gid, 0, 0), "query_remote_gid(own GID)");
        if (!gid.AsSpan().SequenceEqual(s.Dev.Gid))
            DibsAssert.That(s.Ops.QueryRemoteGid(s.Dev, gid, 0, 0) != 0, $"query_remote_gid reached the random GID {Convert.ToHexString(gid)}");
    });

    /// <summary>Rule 14: max_dmbs is a constant of the kind (5000 loopback, 1920 ISM), sizes the client table and bounds every index.</summary>
    [Checks(Ids.DibsDevMaxDmbsConst)]
    public Property MaxDmbsIsConstantAndBoundsIndices() => ForAll(Ints(1, 24), n =>
    {
        using var s = Open();
        using var other = NewBed();
        var max = s.Ops.MaxDmbs();
        DibsAssert.That(max > 0, $"max_dmbs() = {max}");
        DibsAssert.Equal(max, s.Ops.MaxDmbs(), "max_dmbs() on a second call");
        DibsAssert.Equal(max, other.Device.Ops.MaxDmbs(), "max_dmbs() of a second device of the same kind");
        if (Adapter.Kind is DibsDeviceKind.Loopback or DibsDeviceKind.Ism)
            DibsAssert.Equal(Adapter.Kind == DibsDeviceKind.Loopback ? DibsSpec.DibsLoMaxDmbs : DibsSpec.DibsIsmMaxDmbs, max, $"max_dmbs() of a {Adapter.Kind} device");
        DibsAssert.Equal(max, s.Dev.ClientTableLength, "length of the layer's client table");
        for (var i = 0; i < n; i++)
            DibsAssert.That(s.MustRegister(64).Idx < (uint)max, "register_dmb handed out an index >= max_dmbs()");
    });

    /// <summary>Rule 15: the trio comes together and works together (loopback has it, ISM does not).</summary>
    [Checks(Ids.DibsDevMmappedTrio)]
    public Property MmappedTrioIsAllOrNothing() => ForAll(Ints(1, 4096), len =>
    {
        using var s = Open();
        var trio = s.Dev.Mmapped;
        if (Adapter.Kind != DibsDeviceKind.Other)
            DibsAssert.Equal(Adapter.Kind == DibsDeviceKind.Loopback, trio is not null, $"a {Adapter.Kind} device offers the mmapped trio");
        if (trio is null || trio.SupportMmappedRdmb(s.Dev) == 0)
            return;
        var dmb = s.MustRegister((uint)len);
        DibsAssert.Ok(s.Attach(dmb.DmbTok, out var attached), "attach_dmb on a device whose support_mmapped_rdmb is non-zero");
        DibsAssert.Equal((uint)len, attached.DmbLen, "dmb_len filled in by attach_dmb");
        DibsAssert.Ok(s.Detach(dmb.DmbTok), "detach_dmb after attach_dmb");
    });

    /// <summary>Rule 17: token, address, dma address and index are filled in; the registering client owns the index.</summary>
    [Checks(Ids.DibsDevRegisterResult)]
    public Property RegisterFillsTheDescriptorAndRecordsTheOwner() => ForAll(Arb.Zip(Ints(0, 6), Arb.Zip(Ints(0, 6), Ints(1, 65536))), c =>
    {
        using var s = Open();
        var clients = new[] { s.Owner }.Concat(Enumerable.Range(0, c.Item1).Select(i => s.AddClient($"c{i}"))).ToArray();
        var who = clients[c.Item2.Item1 % clients.Length];
        s.MustRegister(16); // another DMB, so the index is not trivially the first one
        DibsAssert.Ok(s.Register((uint)c.Item2.Item2, out var dmb, who.Client), "register_dmb");
        DibsAssert.That(dmb.CpuAddr != 0, "register_dmb left cpu_addr 0");
        DibsAssert.That(dmb.DmaAddr != 0, "register_dmb left dma_addr 0 (SMC then never unregisters it, rule 74)");
        DibsAssert.Equal(who.Client.Id, s.Dev.DmbOwner(dmb.Idx), $"owner recorded for index {dmb.Idx}");
    });

    /// <summary>Rule 18: every buffer register_dmb hands out is all zeros, also when memory and indices are reused.</summary>
    [Checks(Ids.DibsDevRegisterZero)]
    public Property RegisteredBuffersAreZero() => ForAll(Gen.ListOf(Gen.Choose(1, 2048), 4).ToArbitrary(), lens =>
    {
        using var s = Open();
        foreach (var len in lens)
        {
            var dmb = s.MustRegister((uint)len);
            DibsAssert.That(s.MustBytes(dmb.DmbTok).All(b => b == 0), $"a fresh DMB of {len} bytes is not all zeros");
            DibsAssert.Ok(s.Move(dmb.DmbTok, 0, false, 0, Enumerable.Repeat((byte)0xEE, len).ToArray()), "move_data filling the DMB");
            DibsAssert.Ok(s.Unregister(dmb), "unregister_dmb");
        }
    });

    /// <summary>Rule 19: register/unregister/attach/detach/move sequences never leave two live DMBs with one index or token.</summary>
    [Checks(Ids.DibsDevUniqueIdxToken)]
    public Property IndicesAndTokensStayUnique() => StateMachine.ToProperty(Machine(DibsMachineChecks.UniqueIdxToken));

    /// <summary>Rule 20: handle_irq names the signalled DMB by the idx register_dmb gave it.</summary>
    [Checks(Ids.DibsDevIrqIdx)]
    public Property IrqNamesTheRegisteredIndex() => ForAll(Arb.Zip(Ints(1, 8), Arb.Zip(Ints(0, 7), Ints(0, 40))), c =>
    {
        using var s = Open();
        var dmbs = Enumerable.Range(0, c.Item1).Select(_ => s.MustRegister(64)).ToArray();
        var target = dmbs[c.Item2.Item1 % dmbs.Length];
        DibsAssert.Ok(s.Move(target.DmbTok, (uint)c.Item2.Item2, true, 0, [1, 2, 3]), "signalled move_data");
        DibsAssert.That(s.WaitIrqs(s.Owner, 1), "no handle_irq for a signalled write");
        DibsAssert.Equal(target.Idx, s.Owner.Irqs[^1].Idx, "idx passed to handle_irq");
    });

    /// <summary>Rule 21: only the subscribed owner is signalled; otherwise the signal is dropped and move_data still succeeds.</summary>
    [Checks(Ids.DibsDevSignalOwnerOnly)]
    public Property SignalsReachOnlyTheSubscribedOwner() => ForAll(Arb.Zip(Ints(1, 6), Ints(0, 6)), c =>
    {
        using var s = Open();
        var clients = new[] { s.Owner }.Concat(Enumerable.Range(0, c.Item1).Select(i => s.AddClient($"c{i}"))).ToArray();
        var owner = clients[c.Item2 % clients.Length];
        var dmb = s.MustRegister(32, owner.Client);
        DibsAssert.Ok(s.Move(dmb.DmbTok, 0, true, 0, [7]), "signalled move_data");
        DibsAssert.That(s.WaitIrqs(owner, 1), "the owner got no handle_irq");
        s.Settle();
        DibsAssert.That(clients.Where(x => x != owner).All(x => x.Irqs.Count == 0), "a client other than the DMB's owner got handle_irq");
        DibsAssert.That(s.Layer.DeleteDevice(s.Dev).IsOk, "the reference layer could not remove the device");
        DibsAssert.Ok(s.Move(dmb.DmbTok, 0, true, 1, [8]), "signalled move_data after the owner stopped being subscribed");
        s.Settle();
        DibsAssert.Equal(1, owner.Irqs.Count, "handle_irq calls of the owner after it stopped being subscribed");
    });

    /// <summary>Rule 22: when move_data returns 0 the bytes are in the DMB, and reusing the source changes nothing.</summary>
    [Checks(Ids.DibsDevMoveSync)]
    public Property MoveDataIsSynchronous() => ForAll(Gen.Zip(Gen.Choose(1, 512), Gen.ListOf(Gen.Zip(Gen.Choose(0, 511), Payload(0, 64)))).ToArbitrary(), c =>
    {
        using var s = Open();
        var len = c.Item1;
        var dmb = s.MustRegister((uint)len);
        var expected = s.MustBytes(dmb.DmbTok);
        foreach (var (at, payload) in c.Item2)
        {
            var data = payload.Take(len).ToArray();
            var offset = at % (len - data.Length + 1);
            DibsAssert.Ok(s.Move(dmb.DmbTok, 0, false, (uint)offset, data), $"move_data({data.Length} bytes at {offset})");
            data.CopyTo(expected, offset);
            Array.Clear(data); // the source is reused at once
            DibsAssert.That(s.MustBytes(dmb.DmbTok).AsSpan().SequenceEqual(expected), $"the DMB does not hold the bytes written at {offset} when move_data returned");
        }
    });

    /// <summary>Rule 24: a device event reaches every subscribed client, not only DMB owners (provoked with signal_event to itself).</summary>
    [Checks(Ids.DibsDevEventAllClients)]
    public Property EventsReachEverySubscribedClient() => ForAll(Arb.Zip(Ints(0, 7), Ints(0, 255)), c =>
    {
        using var s = Open();
        var clients = new[] { s.Owner }.Concat(Enumerable.Range(0, c.Item1).Select(i => s.AddClient($"c{i}"))).ToList();
        var gone = clients.Where((_, i) => i > 0 && (c.Item2 >> (i % 8) & 1) == 1).ToList();
        foreach (var g in gone)
            DibsAssert.That(s.Layer.UnregisterClient(g.Client).IsOk, "the reference layer refused an unregistration");
        var signal = s.Dev.Ops as IDibsDevOpsSignalEvent<DibsDevice, DibsClient> ?? throw new ConformanceViolation("the device offers no signal_event");
        DibsAssert.Ok(signal.SignalEvent(s.Dev, s.Dev.Gid, 1, 0x83, 0x0102030400000001), "signal_event to the device's own GID");
        var subscribed = clients.Except(gone).ToList();
        DibsAssert.That(SpinWait.SpinUntil(() => subscribed.All(x => x.Events.Count > 0), TimeSpan.FromSeconds(1) + s.Bed.SignalLatency), "a subscribed client got no handle_event");
        DibsAssert.That(gone.All(x => x.Events.Count == 0), "an unregistered client got handle_event");
    });
}
