using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.VirtioIsm;
using Ids = IsmSpec.Specs.VirtioIsm.VirtioIsmSpec.Ids;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// The device-role requirements of virtio-ism version 1 (the draft's statements, research/virtio-ism-v1-draft.md
/// "Normative statements", and IsmSpec's VISM-DEC-* decisions), checked black-box through raw controlq bytes, REGIONS
/// and NOTIFY memory and the event channels of several guests. This part: identity, configuration and framing.
/// </summary>
public sealed partial class VirtioIsmDeviceSuite(IVirtioIsmDeviceAdapter adapter) : VirtioIsmSuite(adapter)
{
    public override string Name => $"virtio-ism device ({Adapter.Name})";

    private static string HostName(int i) => $"conformance-host-{i}";

    /// <summary>Statement 1: one host always produces the same gid (every guest, every restart); other hosts another one.</summary>
    [Checks(Ids.VismCfgGidStable)]
    public Property GidIsStablePerHostAndDiffersAcrossHosts() => ForAll(Arb.Zip(Ints(0, 7), Ints(1, 7)), c =>
    {
        ulong GidOf(int host, int guests)
        {
            using var s = Open(new VirtioIsmHostRequest(HostName(host)));
            var gids = Enumerable.Range(0, guests).Select(_ => s.Add().Config.Gid).Distinct().ToList();
            VismAssert.That(gids.Count == 1, $"guests of {HostName(host)} report different gids: {string.Join(", ", gids.Select(g => $"0x{g:X}"))}");
            return gids[0];
        }
        int other = (c.Item1 + c.Item2) % 8;
        ulong first = GidOf(c.Item1, 2), again = GidOf(c.Item1, 1), elsewhere = GidOf(other, 1);
        VismAssert.Equal(first, again, $"gid of {HostName(c.Item1)} after a restart");
        VismAssert.That(first != elsewhere, $"{HostName(c.Item1)} and {HostName(other)} share gid 0x{first:X}");
    });

    /// <summary>Decision: gid comes from the machine identity and host name: a restarted host and all its devices report one gid.</summary>
    [Checks(Ids.VismDecGidDerived)]
    public Property GidIsDerivedFromTheHost() => ForAll(Arb.Zip(Ints(0, 7), Ints(1, 5)), c =>
    {
        var gids = new List<ulong>();
        for (int restart = 0; restart < 2; restart++)
        {
            using var s = Open(new VirtioIsmHostRequest(HostName(c.Item1)));
            gids.AddRange(Enumerable.Range(0, c.Item2).Select(_ => s.Add().Config.Gid));
        }
        VismAssert.That(gids.Distinct().Count() == 1, $"{HostName(c.Item1)} reported gids {string.Join(", ", gids.Distinct().Select(g => $"0x{g:X}"))} across its devices and a restart");
        using var renamed = Open(new VirtioIsmHostRequest(HostName(c.Item1 + 8)));
        VismAssert.That(renamed.Add().Config.Gid != gids[0], $"{HostName(c.Item1)} and {HostName(c.Item1 + 8)} share gid 0x{gids[0]:X}: the host name is not part of it");
    });

    /// <summary>Statement 2: devids produced on one host are pairwise different and never 0.</summary>
    [Checks(Ids.VismCfgDevidUnique)]
    public Property DevidsAreUniqueOnAHost() => ForAll(Ints(2, 8), n =>
    {
        using var s = Open();
        var devids = Enumerable.Range(0, n).Select(_ => s.Add().Devid).ToList();
        VismAssert.That(devids.All(d => d != 0), "a device reports devid 0");
        VismAssert.That(devids.Distinct().Count() == n, $"devids repeat on one host: {string.Join(", ", devids)}");
    });

    /// <summary>Statement 4 (first half, read per instance): every new instance starts with a devid not seen before on the host, non-zero.</summary>
    [Checks(Ids.VismInitDevidFresh)]
    public Property InitializationYieldsAFreshDevid() => ForAll(Gen.ListOf(Gen.Elements(true, false)).Select(l => l.Take(10).ToArray()).ToArbitrary(), plan =>
    {
        using var s = Open();
        var seen = new HashSet<ulong>();
        var live = new List<VismGuest>();
        foreach (bool add in plan.Prepend(true))
        {
            if (!add && live.Count > 0) { live[0].Raw.Remove(); live.RemoveAt(0); continue; }
            var g = s.Add();
            VismAssert.That(g.Devid != 0 && seen.Add(g.Devid), $"a new device instance got devid {g.Devid}, already produced on this host or 0");
            live.Add(g);
        }
    });

    /// <summary>Statement 4 (second half): a reset leaves devid unchanged.</summary>
    [Checks(Ids.VismInitDevidResetStable)]
    public Property ResetKeepsTheDevid() => ForAll(Arb.Zip(Ints(0, 3), Ints(0, 2)), c =>
    {
        using var s = Open();
        var g = s.Add(EventFeatures & (ulong)c.Item1);
        for (int i = 0; i < c.Item2; i++) g.MustAlloc(1);
        var after = s.Reinit(g);
        VismAssert.Equal(g.Devid, after.Devid, "devid after a device reset");
    });

    /// <summary>Statement 5: devid is never 0 — before negotiation, after it and after resets.</summary>
    [Checks(Ids.VismInitDevidNonzero)]
    public Property DevidIsNeverZero() => ForAll(Arb.Zip(Ints(1, 5), Ints(0, 2)), c =>
    {
        using var s = Open();
        var config = new byte[VirtioIsmConfig.Size];
        for (int i = 0; i < c.Item1; i++)
        {
            var raw = s.Host.AddGuest();
            raw.ReadConfig(config);
            VismAssert.That(BitConverter.ToUInt64(config, 8) != 0, "devid reads 0 before the driver negotiated");
            var g = s.Open(raw, 0, $"guest {i}");
            for (int r = 0; r < c.Item2; r++) g = s.Reinit(g);
            VismAssert.That(g.Devid != 0, "devid reads 0 after initialization");
        }
    });

    /// <summary>Decision: devid fixed at instance creation, kept over any number of resets, never given to a later instance.</summary>
    [Checks(Ids.VismDecDevidInstance)]
    public Property DevidBelongsToTheInstance() => ForAll(Arb.Zip(Ints(1, 5), Ints(1, 4)), c =>
    {
        using var s = Open();
        var g = s.Add();
        ulong devid = g.Devid;
        for (int i = 0; i < c.Item1; i++) VismAssert.Equal(devid, (g = s.Reinit(g)).Devid, $"devid after reset {i + 1}");
        g.Raw.Remove();
        var later = Enumerable.Range(0, c.Item2).Select(_ => s.Add().Devid).ToList();
        VismAssert.That(!later.Contains(devid), $"devid {devid} of a removed instance was handed to a later one");
    });

    /// <summary>Statement 6: every shared memory region uses a listed shmid (REGIONS or NOTIFY); REGIONS is there.</summary>
    [Checks(Ids.VismInitShmidKnown)]
    public Property SharedMemoryIdsAreKnown() => ForAll(Ints(0, 3), features =>
    {
        using var s = Open();
        var g = s.Add(EventFeatures & (ulong)features);
        var shm = g.Raw.SharedMemory;
        VismAssert.That(shm.Any(m => m.Id == VirtioIsmShmId.Regions && m.Length > 0), "the device exposes no REGIONS shared memory");
        foreach (var (id, _) in shm)
            VismAssert.That(VirtioIsmShmIdInfo.IsDefined(id) && id != VirtioIsmShmId.Undefined, $"shared memory with shmid {(byte)id} is not a listed id");
    });

    /// <summary>Statement 7: with an event feature, NOTIFY exists and each region's notify_size bytes at slot*notify_size kick exactly that region.</summary>
    [Checks(Ids.VismInitNotifyShm)]
    public Property EachRegionOwnsItsNotifyAddress() => ForAll(Arb.Zip(Ints(1, 4), Arb.Zip(Ints(0, 3), Ints(0, 4095))), c =>
    {
        using var s = Open();
        var a = s.Add(EventFeatures);
        var b = s.Add(EventFeatures);
        ulong notify = a.Raw.SharedMemory.Where(m => m.Id == VirtioIsmShmId.Notify).Aggregate(0UL, (sum, m) => sum + m.Length);
        VismAssert.That(a.Config.NotifySize > 0 && notify >= (ulong)s.Slots(a) * a.Config.NotifySize,
            $"NOTIFY memory of {notify} bytes cannot give {s.Slots(a)} regions notify_size {a.Config.NotifySize} bytes each");
        var listener = new VismListener(a, s.Host.VectorCount);
        int k = listener.ByVector ? Math.Min(c.Item1, s.Host.VectorCount) : c.Item1;
        var regions = Enumerable.Range(0, k).Select(_ => a.MustAlloc(1)).ToList();
        foreach (var r in regions) { b.MustAttach(r, "a fresh region"); listener.Watch(r.Offset); }
        var target = regions[c.Item2.Item1 % regions.Count];
        b.Notify(target.Offset, (ulong)c.Item2.Item2);
        var told = listener.Updates();
        VismAssert.That(told.SetEquals([target.Offset]), $"a write at byte {(ulong)c.Item2.Item2 % a.Config.NotifySize} of the notify address of {target} reported [{string.Join(", ", told.Select(o => $"0x{o:X}"))}]");
    });

    /// <summary>Decision: every reply starts with ack 0 or 1; malformed, unknown or oversized requests get ack 1 alone.</summary>
    [Checks(Ids.VismDecAckValues)]
    public Property AcksAreOkOrErr() => ForAll(Gen.ListOf(Requests()).Select(l => l.Take(12).ToArray()).ToArbitrary(), requests =>
    {
        using var s = Open();
        var g = s.Add();
        foreach (var (bytes, malformed) in requests)
        {
            var reply = g.Send(bytes, 64, $"request {Convert.ToHexString(bytes)}");
            VismAssert.That(reply[0] <= 1, $"ack {reply[0]} for {Convert.ToHexString(bytes)}");
            if (malformed)
                VismAssert.That(reply[0] == 1 && reply.Length == 1, $"malformed request {Convert.ToHexString(bytes)} got reply {Convert.ToHexString(reply)}, not ERR alone");
        }
    });

    /// <summary>Well-formed commands with random fields, and malformed ones: unknown class or command, wrong length, oversized.</summary>
    private static Gen<(byte[] Bytes, bool Malformed)> Requests()
    {
        var lengths = new[] { VirtioIsmCtrl.AllocRequestLength, VirtioIsmCtrl.AttachRequestLength, VirtioIsmCtrl.DetachRequestLength, VirtioIsmCtrl.GrantRequestLength, VirtioIsmCtrl.EventVectorRequestLength };
        Gen<byte[]> Body(int n) => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n);
        var wellFormed = Gen.Choose(0, 4).SelectMany(c => Body(lengths[c] - 2).Select(b => (new byte[] { (byte)c, 0 }.Concat(b).ToArray(), false)));
        var unknownClass = Gen.Zip(Gen.Choose(5, 255), Gen.Choose(0, 30)).SelectMany(t => Body(t.Item2).Select(b => (new[] { (byte)t.Item1, (byte)0 }.Concat(b).ToArray(), true)));
        var unknownCode = Gen.Zip(Gen.Choose(0, 4), Gen.Choose(1, 255)).SelectMany(t => Body(lengths[t.Item1] - 2).Select(b => (new[] { (byte)t.Item1, (byte)t.Item2 }.Concat(b).ToArray(), true)));
        var badLength = Gen.Zip(Gen.Choose(0, 4), Gen.Choose(0, 90)).Where(t => t.Item2 != lengths[t.Item1] - 2)
            .SelectMany(t => Body(t.Item2).Select(b => (new[] { (byte)t.Item1, (byte)0 }.Concat(b).ToArray(), true)));
        var truncated = Gen.Choose(0, 255).Select(c => (new[] { (byte)c }, true));
        return Gen.Frequency((3, wellFormed), (2, unknownClass), (2, unknownCode), (2, badLength), (1, truncated));
    }
}
