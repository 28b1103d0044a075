using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>ALLOC, ATTACH and DETACH (draft statements 12-24) and the decisions on tokens, offsets and windows.</summary>
public sealed partial class VirtioIsmDeviceSuite
{
    /// <summary>Statement 12: OK, a token no live region has (a peer attaches with it), and an offset inside the REGIONS space.</summary>
    [Checks(Ids.VismAllocToken)]
    public Property AllocMintsATokenAndAnOffset() => ForAll(Gen.ListOf(Sizes().Generator).Select(l => l.Take(Math.Max(1, Device.Window - 1)).ToArray()).ToArbitrary(), sizes =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var tokens = new HashSet<ulong>();
        foreach (var size in sizes.DefaultIfEmpty(1UL))
        {
            var r = a.MustAlloc(size);
            VismAssert.That(tokens.Add(r.Token), $"ALLOC({size}) returned token 0x{r.Token:X}, which a live region already has");
            VismAssert.That(r.Offset < s.RegionsLength(a) && size <= s.RegionsLength(a) - r.Offset, $"ALLOC({size}) returned offset 0x{r.Offset:X}, outside the {s.RegionsLength(a)}-byte REGIONS space");
            VismAssert.That(b.Attach(r.Token) is not null, $"the token 0x{r.Token:X} ALLOC({size}) returned does not attach");
        }
    });

    /// <summary>Statement 13: once every slot is taken ALLOC acks ERR (from a device with window room); freeing one makes room.</summary>
    [Checks(Ids.VismAllocNoSpace)]
    public Property AllocFailsWhenTheSpaceIsFull() => ForAll(Arb.Zip(Sizes(), Ints(0, 4095)), c =>
    {
        using var s = Open();
        var held = Fill(s, c.Item1);
        var fresh = s.Add();
        VismAssert.That(fresh.Alloc(1) is null, $"ALLOC acked OK with all {held.Count} slots of the space in use");
        var (owner, region) = held[c.Item2 % held.Count];
        VismAssert.That(owner.Detach(region.Offset), $"DETACH of {region} by its only holder acked ERR");
        VismAssert.That(fresh.Alloc(1) is not null, "ALLOC acked ERR after a slot was freed");
    });

    /// <summary>Allocates every slot, spreading over as many guests as the window needs; returns holder and region of each.</summary>
    private List<(VismGuest Owner, VismRegion Region)> Fill(VismSession s, ulong size)
    {
        var held = new List<(VismGuest, VismRegion)>();
        var g = s.Add();
        int slots = s.Slots(g);
        for (int i = 0, mine = 0; i < slots; i++, mine++)
        {
            if (mine == s.Host.MaxReferencesPerDevice) { g = s.Add(); mine = 0; }
            var r = g.Alloc(size) ?? throw new ConformanceViolation($"{g.Name}: ALLOC({size}) acked ERR with {i} of {slots} slots in use and window room");
            held.Add((g, r));
        }
        return held;
    }

    /// <summary>Statement 14: with backing memory for m regions, the (m+1)-th ALLOC acks ERR though slots are free; freeing one helps.</summary>
    [Checks(Ids.VismAllocNoMemory)]
    public Property AllocFailsWithoutBackingMemory() => ForAll(Ints(1, Math.Max(1, Device.Slots - 1)), m =>
    {
        using var s = Open(new VirtioIsmHostRequest(MemoryRegions: m));
        var held = new List<(VismGuest, VismRegion)>();
        var g = s.Add();
        for (int i = 0, mine = 0; i < m; i++, mine++)
        {
            if (mine == s.Host.MaxReferencesPerDevice) { g = s.Add(); mine = 0; }
            held.Add((g, g.Alloc(1) ?? throw new ConformanceViolation($"ALLOC {i + 1} of {m} acked ERR with memory for {m} regions")));
        }
        var fresh = s.Add();
        VismAssert.That(fresh.Alloc(1) is null, $"ALLOC acked OK beyond the memory for {m} regions ({s.Slots(fresh)} slots)");
        VismAssert.That(held[0].Item1.Detach(held[0].Item2.Offset), "DETACH by the only holder acked ERR");
        VismAssert.That(fresh.Alloc(1) is not null, "ALLOC acked ERR after a region's memory was freed");
    });

    /// <summary>Statement 15: a new region reads as zero, also when its slot held data before.</summary>
    [Checks(Ids.VismAllocZero)]
    public Property NewRegionsReadAsZero() => ForAll(Arb.Zip(Sizes(), Sizes()), c =>
    {
        using var s = Open();
        var a = s.Add();
        var first = a.MustAlloc(c.Item1);
        VismAssert.That(a.Read(first.Offset, (int)c.Item1) is { } fresh && fresh.All(x => x == 0), $"a new region of {c.Item1} bytes does not read as zero");
        VismAssert.That(a.Write(first.Offset, Pattern((int)c.Item1, 3)), "the allocator cannot write its region");
        VismAssert.That(a.Detach(first.Offset), "DETACH by the only holder acked ERR");
        var second = a.MustAlloc(c.Item2);
        var bytes = a.Read(second.Offset, (int)c.Item2);
        VismAssert.That(bytes is not null && bytes.All(x => x == 0), $"a region of {c.Item2} bytes allocated after a dirty one was freed does not read as zero");
    });

    /// <summary>Statement 16: size above region_size acks ERR (region_size itself is fine).</summary>
    [Checks(Ids.VismAllocSizeLimit)]
    public Property AllocRefusesMoreThanRegionSize() => ForAll(Tokens().Select(x => x == 0 ? 1 : x).ToArbitrary(), excess =>
    {
        using var s = Open();
        var a = s.Add();
        ulong size = a.RegionSize + Math.Min(excess, ulong.MaxValue - a.RegionSize);
        VismAssert.That(a.Alloc(size) is null, $"ALLOC({size}) acked OK with region_size {a.RegionSize}");
        VismAssert.That(a.Alloc(a.RegionSize) is not null, $"ALLOC(region_size = {a.RegionSize}) acked ERR");
    });

    /// <summary>Statement 17: however small, each region takes a whole slot: exactly slots regions fit, region_size apart.</summary>
    [Checks(Ids.VismAllocFullSlot)]
    public Property SmallRegionsTakeWholeSlots() => ForAll(Sizes(), size =>
    {
        using var s = Open();
        var held = Fill(s, Math.Max(1, size / 4));
        VismAssert.That(s.Add().Alloc(1) is null, $"{held.Count + 1} regions fit in {held.Count} slots");
        var offsets = held.Select(h => h.Region.Offset).Order().ToList();
        ulong rs = held[0].Owner.RegionSize, length = s.RegionsLength(held[0].Owner);
        for (int i = 1; i < offsets.Count; i++)
            VismAssert.That(offsets[i] - offsets[i - 1] >= rs, $"regions at 0x{offsets[i - 1]:X} and 0x{offsets[i]:X} are closer than region_size {rs}");
        VismAssert.That(offsets[^1] + rs <= length, $"the region at 0x{offsets[^1]:X} does not fit a whole slot in the space");
    });

    /// <summary>Statement 19 (with VISM-DEC-WINDOW-LIMIT's meaning): a device whose window is full cannot ATTACH; after a DETACH it can.</summary>
    [Checks(Ids.VismAttachNoSpace)]
    public Property AttachFailsWhenTheWindowIsFull() => ForAll(Sizes(), size =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var own = Enumerable.Range(0, s.Host.MaxReferencesPerDevice).Select(_ => b.MustAlloc(size)).ToList();
        var r = a.MustAlloc(size);
        VismAssert.That(b.Attach(r.Token) is null, $"ATTACH acked OK from a device holding its window of {own.Count} references");
        VismAssert.That(b.Detach(own[0].Offset), "DETACH of an own region acked ERR");
        VismAssert.That(b.Attach(r.Token) is not null, "ATTACH acked ERR after the device freed a place in its window");
    });

    /// <summary>Decision: a device holds at most its configured number of references, by ALLOC and ATTACH together.</summary>
    [Checks(Ids.VismDecWindowLimit)]
    public Property WindowBoundsAllocAndAttach() => ForAll(Ints(0, Math.Max(0, Device.Window)), attached =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        int window = s.Host.MaxReferencesPerDevice, k = Math.Min(attached, window);
        var c = s.Add();
        var others = Enumerable.Range(0, k + 1).Select(i => (i % 2 == 0 ? a : c).MustAlloc(1)).ToList();
        for (int i = 0; i < k; i++) b.MustAttach(others[i], "within the window");
        for (int i = k; i < window; i++) b.MustAlloc(1);
        VismAssert.That(b.Alloc(1) is null, $"ALLOC acked OK beyond the window of {window} ({k} attached, {window - k} allocated)");
        VismAssert.That(b.Attach(others[k].Token) is null, $"ATTACH acked OK beyond the window of {window}");
    });

    /// <summary>Statement 20: tokens that name no region (random, or of a freed region) ack ERR.</summary>
    [Checks(Ids.VismAttachUnknownToken)]
    public Property AttachRefusesUnknownTokens() => ForAll(Arb.Zip(Ints(0, 3), Gen.ListOf(Tokens()).Select(l => l.Take(8).ToArray()).ToArbitrary()), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var live = Enumerable.Range(0, c.Item1).Select(_ => a.MustAlloc(1)).ToList();
        var gone = a.MustAlloc(1);
        VismAssert.That(a.Detach(gone.Offset), "DETACH by the only holder acked ERR");
        foreach (var token in c.Item2.Append(gone.Token).Where(t => live.All(r => r.Token != t)))
            VismAssert.That(b.Attach(token) is null, $"ATTACH(0x{token:X}) acked OK, but no region has that token");
    });

    /// <summary>Statement 22: DETACH at an offset with no region (free slot, inside it, beyond the space) acks ERR and changes nothing.</summary>
    [Checks(Ids.VismDetachUnknownOffset)]
    public Property DetachRefusesUnassignedOffsets() => ForAll(Arb.Zip(Ints(0, 3), Gen.ListOf(Tokens()).Select(l => l.Take(6).ToArray()).ToArbitrary()), c =>
    {
        using var s = Open();
        var a = s.Add();
        var live = Enumerable.Range(0, c.Item1 + 1).Select(_ => a.MustAlloc(1)).ToList();
        foreach (var offset in Unassigned(s, a, live, c.Item2))
            VismAssert.That(!a.Detach(offset), $"DETACH(0x{offset:X}) acked OK, but no region is assigned there");
        foreach (var r in live) VismAssert.That(a.Read(r.Offset, 1) is not null, $"{r} is gone after DETACHs at unassigned offsets");
    });

    /// <summary>Offsets where no region lies: in free slots (aligned or not), past the space, random values outside live regions.</summary>
    internal static IEnumerable<ulong> Unassigned(VismSession s, VismGuest g, List<VismRegion> live, ulong[] randoms)
    {
        ulong rs = g.RegionSize, length = s.RegionsLength(g);
        bool Free(ulong o) => live.All(r => o < r.Offset || o - r.Offset >= rs);
        var free = Enumerable.Range(0, s.Slots(g)).Select(i => (ulong)i * rs).Where(Free).ToList();
        var candidates = new List<ulong> { length, length + rs, ulong.MaxValue - rs + 1 };
        foreach (var x in randoms)
        {
            candidates.Add(x);
            if (free.Count > 0) candidates.Add(free[(int)(x % (ulong)free.Count)] + x % rs);
        }
        return candidates.Where(Free);
    }

    /// <summary>Statement 23: after DETACH the detaching guest can neither read nor write the region.</summary>
    [Checks(Ids.VismDetachReleaseMemory)]
    public Property DetachRemovesTheMemoryFromTheGuest() => ForAll(Arb.Zip(Sizes(), Arb.From(Gen.Elements(true, false))), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var r = a.MustAlloc(c.Item1);
        b.MustAttach(r, "a fresh region");
        var leaving = c.Item2 ? a : b;
        VismAssert.That(leaving.Detach(r.Offset), $"{leaving.Name}: DETACH of a held region acked ERR");
        VismAssert.That(leaving.Read(r.Offset, (int)c.Item1) is null, $"{leaving.Name} still reads {r} after its DETACH");
        VismAssert.That(!leaving.Write(r.Offset, Pattern((int)c.Item1, 1)), $"{leaving.Name} still writes {r} after its DETACH");
    });

    /// <summary>Statement 24: the region and its data stay until the last holder detaches; then its token names nothing.</summary>
    [Checks(Ids.VismDetachLastReference)]
    public Property RegionsLiveUntilTheLastReference() => ForAll(Arb.Zip(Sizes(), Arb.From(Gen.Elements(true, false))), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var r = a.MustAlloc(c.Item1);
        b.MustAttach(r, "a fresh region");
        var data = Pattern((int)c.Item1, 5);
        var (first, last) = c.Item2 ? (a, b) : (b, a);
        VismAssert.That(first.Write(r.Offset, data), "a holder cannot write");
        VismAssert.That(first.Detach(r.Offset), "DETACH of a held region acked ERR");
        VismAssert.That(last.Read(r.Offset, data.Length) is { } kept && kept.AsSpan().SequenceEqual(data), $"{last.Name} lost the data of {r} when {first.Name} detached");
        VismAssert.That(last.Detach(r.Offset), "DETACH by the last holder acked ERR");
        VismAssert.That(s.Add().Attach(r.Token) is null, "the token still attaches after every holder detached");
    });

    /// <summary>Decision: tokens are never 0, never those of live regions, and spread over 64 bits.</summary>
    [Checks(Ids.VismDecToken)]
    public Property TokensAreRandomNonZeroAndUnique() => ForAll(Gen.ListOf(Gen.Choose(0, 3)).Select(l => l.Take(24).ToArray()).ToArbitrary(), frees =>
    {
        using var s = Open();
        var a = s.Add();
        var live = new List<VismRegion>();
        var all = new List<ulong>();
        for (int i = 0; i < Math.Max(10, frees.Length); i++)
        {
            if (live.Count >= s.Host.MaxReferencesPerDevice || (i < frees.Length && frees[i] == 0 && live.Count > 0))
            {
                VismAssert.That(a.Detach(live[0].Offset), "DETACH by the only holder acked ERR");
                live.RemoveAt(0);
            }
            var r = a.MustAlloc(1);
            VismAssert.That(r.Token != 0, "ALLOC returned token 0");
            VismAssert.That(live.All(l => l.Token != r.Token), $"ALLOC returned token 0x{r.Token:X} of a live region");
            live.Add(r);
            all.Add(r.Token);
        }
        ulong or = all.Aggregate(0UL, (x, t) => x | t), and = all.Aggregate(ulong.MaxValue, (x, t) => x & t);
        VismAssert.That(BitOperations.PopCount(or & ~and) >= 40, $"{all.Count} tokens vary in only {BitOperations.PopCount(or & ~and)} of 64 bits: not random");
    });

    /// <summary>Decision: ATTACH returns the offset ALLOC returned.</summary>
    [Checks(Ids.VismDecHostOffsets)]
    public Property AttachReturnsTheAllocOffset() => ForAll(Arb.Zip(Ints(1, 4), Ints(0, 23)), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var regions = Enumerable.Range(0, c.Item1).Select(_ => a.MustAlloc(1)).ToList();
        foreach (var r in regions.Skip(c.Item2 % regions.Count).Concat(regions.Take(c.Item2 % regions.Count)))
            VismAssert.Equal(r.Offset, b.MustAttach(r, "a fresh region"), $"offset ATTACH returned for {r}");
    });

    /// <summary>Decision: ATTACH by a device that already holds the region acks ERR (and adds no reference).</summary>
    [Checks(Ids.VismDecAttachTwice)]
    public Property AttachingTwiceIsRefused() => ForAll(Sizes(), size =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var r = a.MustAlloc(size);
        VismAssert.That(a.Attach(r.Token) is null, "the allocator attached its own region again");
        b.MustAttach(r, "a fresh region");
        VismAssert.That(b.Attach(r.Token) is null, "the peer attached the region a second time");
        VismAssert.That(b.Detach(r.Offset) && a.Detach(r.Offset), "DETACH of a held region acked ERR");
        VismAssert.That(s.Add().Attach(r.Token) is null, "a double ATTACH left a reference behind: the region outlived both DETACHs");
    });

    /// <summary>Decision: DETACH from a device without a reference acks ERR and leaves the holders' region alone.</summary>
    [Checks(Ids.VismDecDetachOwn)]
    public Property OnlyHoldersDetach() => ForAll(Arb.Zip(Sizes(), Arb.From(Gen.Elements(true, false))), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        var stranger = s.Add();
        var r = a.MustAlloc(c.Item1);
        if (c.Item2) b.MustAttach(r, "a fresh region");
        VismAssert.That(!stranger.Detach(r.Offset), $"DETACH of {r} acked OK from a device that holds no reference to it");
        VismAssert.That(a.Read(r.Offset, 1) is not null, "the allocator lost its region after another guest's DETACH");
        VismAssert.That(a.Detach(r.Offset), "the allocator's own DETACH acked ERR after another guest's DETACH");
    });
}
