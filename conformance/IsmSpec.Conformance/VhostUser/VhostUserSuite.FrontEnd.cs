using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.VhostUser;
using IsmSpec.Specs.VirtioIsm;
using IsmSpec.VhostUser;
using IsmSpec.VhostUser.Ism;
using IsmSpec.VhostUser.Shmem;
using Ids = IsmSpec.Specs.VhostUser.VhostUserSpec.Ids;

namespace IsmSpec.Conformance.VhostUser;

/// <summary>Driver-role (front-end) requirements: the reference front-end as the reference back-end observes it, or against a scripted back-end channel.</summary>
public sealed partial class VhostUserSuite
{
    /// <summary>A reference guest's whole life (connect, negotiate, a command, reset, renegotiate) against a back-end offering <paramref name="protocol"/>.</summary>
    private static Bed Observed(ulong features, ulong? protocol = IsmSpec.VhostUser.Backend.BackEndConnection.OfferedProtocolFeatures)
    {
        var bed = new Bed(protocol);
        try
        {
            using var g = VirtioIsmVhostUserGuest.Connect(bed.Path);
            g.Negotiate(features);
            g.Exchange([0, 0], 1);
            g.Negotiate(features);
        }
        catch (VhostUserProtocolException) { /* a back-end without what the guest needs: the messages so far still count */ }
        return bed;
    }

    private static Gen<ulong> Features() => Gen.Choose(0, 3).Select(x => (ulong)x & (VirtioIsmDevices.EventVq | VirtioIsmDevices.EventIrq));

    [Checks(Ids.VhostHdrVersion)]
    public Property EveryMessageSaysVersionOne() => ForAll(Features().ToArbitrary(), f =>
    {
        using var bed = Observed(f);
        lock (bed.Seen) foreach (var m in bed.Seen) That((m.Flags & 3) == 1, $"request {m.Request} with flags 0x{m.Flags:X}");
    });

    [Checks(Ids.VhostProtoNeedsBit30)]
    public Property NoProtocolMessagesWithoutBit30() => ForAll(Arb.From(Gen.Elements(true, false)), offer =>
    {
        using var bed = Observed(0, offer ? IsmSpec.VhostUser.Backend.BackEndConnection.OfferedProtocolFeatures : null);
        bool sent = bed.Of(VhostUserRequest.GetProtocolFeatures).Count + bed.Of(VhostUserRequest.SetProtocolFeatures).Count > 0;
        That(offer || !sent, "GET/SET_PROTOCOL_FEATURES sent to a back-end without feature bit 30");
    });

    [Checks(Ids.VhostProtoSubset)]
    public Property SetProtocolFeaturesIsASubsetOfTheOffer() => ForAll(Gen.Zip(ProtocolSubsets(), ProtocolSubsets()).ToArbitrary(), c =>
    {
        using var bed = new Bed(c.Item1);
        using (var fe = VhostUserFrontEnd.Connect(bed.Path)) fe.Negotiate(c.Item2);
        foreach (var m in bed.Of(VhostUserRequest.SetProtocolFeatures))
            That((BitConverter.ToUInt64(m.Payload) & ~c.Item1) == 0, $"SET_PROTOCOL_FEATURES 0x{BitConverter.ToUInt64(m.Payload):X} with 0x{c.Item1:X} offered");
    });

    [Checks(Ids.VhostVersion1)]
    public Property SetFeaturesCarriesVersion1() => ForAll(Features().ToArbitrary(), f =>
    {
        using var bed = Observed(f);
        var sets = bed.Of(VhostUserRequest.SetFeatures);
        That(sets.Count > 0, "no SET_FEATURES");
        foreach (var m in sets) That((BitConverter.ToUInt64(m.Payload) & (1UL << 32)) != 0, $"SET_FEATURES 0x{BitConverter.ToUInt64(m.Payload):X} without VERSION_1");
    });

    [Checks(Ids.VhostConfigNeedsFeature)]
    public Property NoConfigMessagesWithoutConfig() => ForAll(ProtocolSubsets().ToArbitrary(), offered =>
    {
        using var bed = new Bed(offered);
        using (var fe = VhostUserFrontEnd.Connect(bed.Path))
        {
            var n = fe.Negotiate(ulong.MaxValue);
            try { fe.GetConfig(0, 32); } catch (VhostUserProtocolException e) when (e.Error is VhostUserError.NotSupported) { }
            That(n.Has(VhostUserProtocolFeatures.Config) || bed.Of(VhostUserRequest.GetConfig).Count == 0, "GET_CONFIG without CONFIG negotiated");
        }
    });

    [Checks(Ids.VhostMemTableFds)]
    [Checks(Ids.VhostMemBeforeAddr)]
    [Checks(Ids.VhostVringUserAddr)]
    [Checks(Ids.VhostKickNofd)]
    public Property MemoryTableAndRingsAreConsistent() => ForAll(Features().ToArbitrary(), f =>
    {
        using var bed = Observed(f);
        List<(uint Request, uint Flags, int Fds, byte[] Payload)> seen;
        lock (bed.Seen) seen = bed.Seen.ToList();
        VhostUserMemoryRegion[] table = [];
        foreach (var m in seen)
        {
            switch ((VhostUserRequest)m.Request)
            {
                case VhostUserRequest.SetMemTable:
                    That(VhostUserMemory.TryReadMessage(m.Payload, out var mem, out var tail) && mem.Nregions is >= 1 and <= 8 && m.Fds == (int)mem.Nregions,
                        $"SET_MEM_TABLE with {m.Fds} descriptors");
                    table = new VhostUserMemoryRegion[Math.Min((int)mem.Nregions, 8)];
                    for (int i = 0; i < table.Length; i++) table[i] = VhostUserMemory.GetRegions(tail, i);
                    break;
                case VhostUserRequest.SetVringAddr:
                    That(table.Length > 0, "SET_VRING_ADDR before SET_MEM_TABLE");
                    VhostVringAddr.TryRead(m.Payload, out var a);
                    foreach (ulong u in new[] { a.DescUserAddr, a.AvailUserAddr, a.UsedUserAddr })
                        That(table.Any(r => u >= r.UserspaceAddr && u - r.UserspaceAddr < r.MemorySize), $"ring address 0x{u:X} outside the memory table");
                    break;
                case VhostUserRequest.SetVringKick or VhostUserRequest.SetVringCall or VhostUserRequest.SetVringErr:
                    VhostUserVringFd.TryRead(m.Payload, out var v);
                    That(v.IndexFlags.Nofd == (m.Fds == 0), $"request {m.Request}: nofd {v.IndexFlags.Nofd} with {m.Fds} descriptors");
                    break;
            }
        }
    });

    /// <summary>A scripted back-end channel against the reference front-end's SHMEM handling: a model of the live mappings.</summary>
    private static void ScriptedShmem(int[] plan, bool unmapMode)
    {
        using var space = new ShmemSpace();
        space.Configure([0, 16 * 4096]);
        using var channel = new BackEndChannel(space);
        using var backEnd = channel.TakeBackEndEnd();
        using var memfd = IsmSpec.Virtio.Linux.SharedMemoryRegion.Create("shmem", 16 * 4096);
        var live = new List<(ulong Offset, ulong Length)>();
        foreach (int step in plan)
        {
            ulong offset = (ulong)(step % 16) * 4096, length = (ulong)(1 + step / 16 % 3) * 4096;
            bool map = !unmapMode || step % 2 == 0 || live.Count == 0;
            if (unmapMode && !map && step % 3 == 0) (offset, length) = live[step % live.Count];
            var payload = new byte[VhostUserMmap.Size];
            new VhostUserMmap { Shmid = 1, FdOffset = 0, ShmOffset = offset, Len = length, Flags = VhostUserMmapFlags.Rw }.TryWrite(payload);
            var request = map ? VhostUserBackendRequest.ShmemMap : VhostUserBackendRequest.ShmemUnmap;
            backEnd.Send((uint)request, VhostUserHeaderFlags.FromValue(map ? 9u : 1u), payload, map ? [memfd.FileDescriptor] : default);
            using var reply = backEnd.Receive(TimeSpan.FromSeconds(3));         // UNMAP without NEED_REPLY must still be answered
            That(reply.TryReadExact(out VhostUserU64 ack), $"{request}: no u64 reply");
            bool fits = offset + length <= 16 * 4096;
            bool expected = map
                ? fits && !live.Any(l => l.Offset < offset + length && offset < l.Offset + l.Length)
                : live.Contains((offset, length));
            That((ack.ValueField == 0) == expected, $"{request} 0x{offset:X}+0x{length:X} with {string.Join(",", live.Select(l => $"0x{l.Offset:X}+0x{l.Length:X}"))} live: ack {ack.ValueField}");
            if (expected && map) live.Add((offset, length));
            if (expected && !map) live.Remove((offset, length));
        }
    }

    [Checks(Ids.VhostShmemNoOverlap)]
    public Property OverlappingMapsAreRefused() => ForAll(Gen.ArrayOf(Gen.Choose(0, 47), 8).ToArbitrary(), plan => ScriptedShmem(plan, unmapMode: false));

    [Checks(Ids.VhostShmemUnmapWhole)]
    public Property UnmapsMustNameOneWholeMapping() => ForAll(Gen.ArrayOf(Gen.Choose(0, 47), 10).ToArbitrary(), plan => ScriptedShmem(plan, unmapMode: true));
}

/// <summary>virtio-ism commands the VHOST properties need, framed with the generated builders.</summary>
internal static class Commands
{
    public static (ulong Token, ulong Offset) Alloc(VirtioIsmVhostUserGuest g, ulong size)
    {
        var request = new byte[VirtioIsmCtrl.AllocRequestLength];
        VirtioIsmCtrl.TryWriteAlloc(request, new VirtioIsmAllocRequest { SizeField = size }, out _);
        if (!VirtioIsmCtrl.TryReadAllocReply(g.Exchange(request, VirtioIsmCtrl.AllocReplyLength), out var ack, out var value) || ack != VirtioIsmCtrl.Ok)
            throw new ConformanceViolation($"ALLOC({size}) failed on a fresh host");
        return (value.Token, value.Offset);
    }

    public static void Attach(VirtioIsmVhostUserGuest g, ulong token)
    {
        var request = new byte[VirtioIsmCtrl.AttachRequestLength];
        VirtioIsmCtrl.TryWriteAttach(request, new VirtioIsmAttachRequest { Token = token }, out _);
        if (!VirtioIsmCtrl.TryReadAttachReply(g.Exchange(request, VirtioIsmCtrl.AttachReplyLength), out var ack, out _) || ack != VirtioIsmCtrl.Ok)
            throw new ConformanceViolation("ATTACH of a fresh region failed");
    }
}
