using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Dibs;
using IsmSpec.Specs.Dibs;
using Ids = IsmSpec.Specs.Dibs.DibsSpec.Ids;

namespace IsmSpec.Conformance.Dibs;

/// <summary>
/// The DIBS loopback device (DIBS-LO-*, research §3 and §5 rules 25–42, plus IsmSpec's decisions on rules 27,
/// 36 and 38). Not applicable unless the adapter's kind is <see cref="DibsDeviceKind.Loopback"/>.
/// This file: identity, registration and the DMB lifecycle; DibsLoopbackSuite.Data.cs: move_data and signals.
/// </summary>
public sealed partial class DibsLoopbackSuite(IDibsDeviceAdapter adapter) : DibsSuite(adapter)
{
    public override string Name => $"dibs loopback ({Adapter.Name})";

    protected override bool InGroup(Requirement r) => r.Role == RequirementRole.Device && r.Id.StartsWith("DIBS-LO-", StringComparison.Ordinal);

    /// <summary>Rule 25: own GID reachable, any other -ENETUNREACH, whatever the vlan arguments.</summary>
    [Checks(Ids.DibsLoQueryRgidSelf)]
    public Property OnlyTheOwnGidIsReachable() => ForAll(Arb.Zip(Arb.Zip(Ints(0, 15), Ints(1, 255)), Arb.Zip(Ints(0, 1), Ints(0, 4095))), c =>
    {
        using var s = Open();
        var (vidValid, vid) = ((uint)c.Item2.Item1, (uint)c.Item2.Item2);
        DibsAssert.Ok(s.Ops.QueryRemoteGid(s.Dev, s.Dev.Gid, vidValid, vid), $"query_remote_gid(own GID, vlan {vidValid}/{vid})");
        var other = OtherGid(s.Dev.Gid, c.Item1.Item1, (byte)c.Item1.Item2);
        DibsAssert.Equal(-Errno.ENETUNREACH, s.Ops.QueryRemoteGid(s.Dev, other, vidValid, vid), "query_remote_gid(another GID)");
    });

    /// <summary>Rule 26: the requested idx is disregarded and the lowest free index is handed out (model-based).</summary>
    [Checks(Ids.DibsLoLowestIndex)]
    public Property LowestFreeIndexWhateverWasRequested() => StateMachine.ToProperty(Machine(DibsMachineChecks.LowestIndex));

    /// <summary>Rule 26: all 5000 indices 0..4999 are handed out in order, then -ENOSPC; a freed one comes back.</summary>
    [Checks(Ids.DibsLoLowestIndex)]
    public void WholeTableThenEnospc()
    {
        using var s = Open();
        var dmbs = new DibsDmb[DibsSpec.DibsLoMaxDmbs];
        for (var i = 0; i < dmbs.Length; i++)
        {
            dmbs[i] = s.MustRegister(1);
            DibsAssert.Equal((uint)i, dmbs[i].Idx, $"index of registration {i}");
        }
        DibsAssert.Equal(-Errno.ENOSPC, s.Register(1, out _), "register_dmb with all 5000 indices taken");
        DibsAssert.Ok(s.Unregister(dmbs[1234]), "unregister_dmb");
        DibsAssert.Equal(1234u, s.MustRegister(1).Idx, "index after freeing 1234");
    }

    /// <summary>Rule 27: a failed allocation (here: a length no allocator can serve) is -ENOMEM and reserves no index.</summary>
    [Checks(Ids.DibsLoRegisterEnomem)]
    public Property FailedAllocationKeepsNoIndex() => ForAll(Arb.Zip(Ints(0, 6), Gen.Choose(0, int.MaxValue).Select(x => (uint)Array.MaxLength + 1 + (uint)x).ToArbitrary()), c =>
        RegisterFailsWithoutReservingAnIndex(c.Item1, c.Item2, zeroLength: false));

    /// <summary>Decision on rule 27: dmb_len 0 is -ENOMEM and reserves no index.</summary>
    [Checks(Ids.DibsLoRegisterLenZero)]
    public Property ZeroLengthIsEnomem() => ForAll(Ints(0, 6), n => RegisterFailsWithoutReservingAnIndex(n, 0, zeroLength: true));

    /// <summary>
    /// Registers <paramref name="before"/> DMBs (every third freed again), then the failing request, then one more DMB;
    /// a twin bed without the failing request must hand the last DMB the same index, and no owner entry may leak.
    /// </summary>
    private void RegisterFailsWithoutReservingAnIndex(int before, uint len, bool zeroLength)
    {
        uint LastIndex(bool withFailure)
        {
            using var s = Open();
            var live = 0;
            for (var i = 0; i < before; i++)
            {
                var dmb = s.MustRegister(8);
                if (i % 3 == 2) DibsAssert.Ok(s.Unregister(dmb), "unregister_dmb"); else live++;
            }
            if (withFailure)
            {
                var rc = s.Register(len, out _, requestedIdx: (uint)before);
                if (!zeroLength && rc == 0)
                    return uint.MaxValue; // this device could allocate it: nothing to check
                DibsAssert.Equal(-Errno.ENOMEM, rc, $"register_dmb(dmb_len {len})");
                var owned = Enumerable.Range(0, s.Dev.ClientTableLength).Count(i => s.Dev.DmbOwner((uint)i) != DibsSpec.NoDibsClient);
                DibsAssert.Equal(live, owned, "owner entries after the failed register_dmb");
            }
            return s.MustRegister(8).Idx;
        }
        var failed = LastIndex(true);
        if (failed != uint.MaxValue)
            DibsAssert.Equal(LastIndex(false), failed, "index of the next DMB (the failed register_dmb must not keep one)");
    }

    /// <summary>Rule 28: no cap on dmb_len and exactly the requested length is reported and usable.</summary>
    [Checks(Ids.DibsLoLenUnbounded)]
    public Property LengthIsReportedExactly() => ForAll(Arb.Zip(Ints(0, 22), Ints(0, 4097)), c =>
    {
        var len = (uint)((1 << c.Item1) + c.Item2);
        using var s = Open();
        var dmb = s.MustRegister(len);
        DibsAssert.Equal(len, dmb.DmbLen, "dmb_len after register_dmb");
        DibsAssert.Ok(s.Attach(dmb.DmbTok, out var attached), "attach_dmb");
        DibsAssert.Equal(len, attached.DmbLen, "dmb_len reported by attach_dmb");
        if (s.Bytes(dmb.DmbTok) is { } bytes)
            DibsAssert.Equal((int)len, bytes.Length, "length of the DMB memory");
        DibsAssert.Ok(s.Move(dmb.DmbTok, 0, false, len - 1, [1]), "move_data into the last byte");
    });

    /// <summary>Rule 29: tokens are unique among live DMBs and look random (every bit varies; a second device draws others).</summary>
    [Checks(Ids.DibsLoTokenRandomUnique)]
    public Property TokensAreRandomAndUnique() => ForAll(Ints(32, 64), n =>
    {
        using var s = Open();
        var tokens = Enumerable.Range(0, n).Select(_ => s.MustRegister(1).DmbTok).ToList();
        DibsAssert.Equal(n, tokens.Distinct().Count(), "distinct tokens among live DMBs");
        var or = tokens.Aggregate(0UL, (a, t) => a | t);
        var and = tokens.Aggregate(ulong.MaxValue, (a, t) => a & t);
        DibsAssert.That(or == ulong.MaxValue && and == 0, $"{n} tokens leave bits fixed (or {or:x16}, and {and:x16}): not random 64-bit numbers");
        using var other = Open();
        DibsAssert.That(other.MustRegister(1).DmbTok != tokens[0], "a second device drew the same first token");
    });

    /// <summary>Rule 30: dma_addr is all ones for DMBs and for attachments.</summary>
    [Checks(Ids.DibsLoDmaAddrAllOnes)]
    public Property DmaAddressIsAllOnes() => ForAll(Ints(1, 4096), len =>
    {
        using var s = Open();
        var dmb = s.MustRegister((uint)len);
        DibsAssert.Equal(DibsSpec.DibsDmaAddrInvalid, dmb.DmaAddr, "dma_addr after register_dmb");
        DibsAssert.Ok(s.Attach(dmb.DmbTok, out var attached), "attach_dmb");
        DibsAssert.Equal(DibsSpec.DibsDmaAddrInvalid, attached.DmaAddr, "dma_addr after attach_dmb");
    });

    /// <summary>Rule 31: one reference from register, one per attach; unregister and detach each drop one (model-based).</summary>
    [Checks(Ids.DibsLoRefcount)]
    public Property ReferencesAreCounted() => StateMachine.ToProperty(Machine(DibsMachineChecks.Refcount));

    /// <summary>Rule 34: memory and index go away exactly when the last reference is dropped (model-based).</summary>
    [Checks(Ids.DibsLoFreeAtZero)]
    public Property FreedOnlyAtZero() => StateMachine.ToProperty(Machine(DibsMachineChecks.FreeAtZero));

    /// <summary>Rule 42: no sequence of loopback operations raises handle_event (model-based).</summary>
    [Checks(Ids.DibsLoNoEvents)]
    public Property NeverRaisesEvents() => StateMachine.ToProperty(Machine(DibsMachineChecks.NoEvents));

    /// <summary>Rule 41: one device "lo", random version-4 UUID GID, fabric 0xFFFF; removal waits for every DMB.</summary>
    [Checks(Ids.DibsLoSingleDevice)]
    public void OneLoDeviceWhoseRemovalWaitsForItsDmbs()
    {
        using var s = Open();
        using var other = NewBed();
        DibsAssert.Equal(1, s.Layer.Devices.Count(d => d.FabricId == DibsSpec.DibsLoopbackFabric), "loopback devices in the layer");
        DibsAssert.Equal("lo", s.Dev.Name, "device name");
        DibsAssert.That(s.Dev.Gid[6] >> 4 == 4 && s.Dev.Gid[8] >> 6 == 2, $"GID {s.Dev.GidString} is not a random (version 4) UUID");
        DibsAssert.That(!other.Device.Gid.SequenceEqual(s.Dev.Gid), "two loopback devices have the same GID");
        var remove = s.Bed.Remove ?? throw new ConformanceViolation("the adapter offers no DibsTestBed.Remove, so removal cannot be checked");
        var dmb = s.MustRegister(8);
        DibsAssert.That(!remove(TimeSpan.FromMilliseconds(20)).IsOk, "removal finished while a DMB was still registered");
        DibsAssert.That(!s.Layer.Devices.Contains(s.Dev) && s.Log.Contains("owner del_dev lo"), "removal did not take the device out of the layer (del_dev) first");
        DibsAssert.Ok(s.Unregister(dmb), "unregister_dmb during removal");
        DibsAssert.That(remove(TimeSpan.FromSeconds(5)).IsOk, "removal did not finish after the last DMB was freed");
    }
}
