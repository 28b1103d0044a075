using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Codecs;
using IsmSpec.Specs.VirtioIsm.V2;
using Ids = IsmSpec.Specs.VirtioIsm.V2.VirtioIsmSpec.Ids;
using ShmId = IsmSpec.Specs.VirtioIsm.VirtioIsmShmId;

namespace IsmSpec.Conformance.VirtioIsm;

/// <summary>
/// The device-role requirements of virtio-ism version 2 (the chunk/area generation, Gen-B: spec/virtio-ism/v2, all
/// VISM2-DEC-* decisions), checked black-box through raw controlq bytes framed by the generated V2 builders, area
/// replies read by the generated readers, REGIONS and NOTIFY memory, the eventq and the vectors of several guests.
/// The adapter is asked for version-2 hosts (<see cref="VirtioIsmHostRequest.Version"/> 2). This part: the probe,
/// generators, identity (PROTOCOL) and areas.
/// </summary>
public sealed partial class VirtioIsmV2DeviceSuite : ConformanceSuite
{
    private const VirtioIsmPerm Read = VirtioIsmPerm.Read, Write = VirtioIsmPerm.Write, Attach = VirtioIsmPerm.Attach, Manage = VirtioIsmPerm.Manage;
    private readonly Lazy<Caps> _caps;

    public VirtioIsmV2DeviceSuite(IVirtioIsmDeviceAdapter adapter)
    {
        Adapter = adapter ?? throw new ArgumentNullException(nameof(adapter));
        _caps = new Lazy<Caps>(Probe);
    }

    public IVirtioIsmDeviceAdapter Adapter { get; }
    public override ISpecInfo Spec => VirtioIsmSpec.Instance;
    public override string Name => $"virtio-ism v2 device ({Adapter.Name})";
    public override bool Covers(Requirement requirement) => requirement.Role == RequirementRole.Device;
    public override string? NotApplicableReason(Requirement requirement) =>
        requirement.IsMandatory ? null : $"{requirement.LevelText}: a permission, nothing to check";

    /// <summary>
    /// What a fresh guest reports: chunk_size (config), region_size (Gen-B has no such config field: the largest ALLOC
    /// the device accepts, a multiple of chunk_size), slots, window and vectors. Fallbacks when no guest works.
    /// </summary>
    internal sealed record Caps(ulong Chunk, ulong RegionSize, int Slots, int Window, int Vectors);

    internal Caps Device => _caps.Value;

    private Caps Probe()
    {
        try
        {
            using var s = Open();
            var g = s.Add();
            ulong chunk = g.ChunkSize, regions = Vism2Session.Length(g, ShmId.Regions);
            bool Accepts(ulong chunks)
            {
                var (ack, token, _) = g.AllocRaw(chunks * chunk);
                if (ack != VirtioIsmAck.Ok) return false;
                g.DetachAck(token);
                return true;
            }
            if (!Accepts(1)) return new Caps(chunk, chunk, 1, 1, 1);
            ulong lo = 1;
            while (lo < 64 && (lo * 2) * chunk <= regions && Accepts(lo * 2)) lo *= 2;
            for (ulong hi = Math.Min(lo * 2, 65); hi - lo > 1;)           // the largest accepted count in [lo, hi)
            {
                ulong mid = (lo + hi) / 2;
                if (Accepts(mid)) lo = mid; else hi = mid;
            }
            ulong region = lo * chunk;
            return new Caps(chunk, region, (int)Math.Clamp(regions / region, 1, 4096), s.Host.MaxReferencesPerDevice, Math.Max(1, s.Host.VectorCount));
        }
        catch (Exception)
        {
            return new Caps(1024, 1024, 1, 1, 1);
        }
    }

    internal Vism2Session Open(VirtioIsmHostRequest? request = null) => new(Adapter, request ?? new VirtioIsmHostRequest(Version: 2));

    private static Property ForAll<T>(Arbitrary<T> cases, Action<T> body) => Prop.ForAll(cases, body);

    private static Arbitrary<int> Ints(int lo, int hi) =>
        Arb.From(Gen.Choose(lo, hi), x => new[] { lo, lo + (x - lo) / 2, x - 1 }.Where(v => v >= lo && v < x).Distinct());

    private static Arbitrary<bool> Bools() => Arb.From(Gen.Elements(true, false));

    /// <summary>Region sizes 1..region_size, often on or next to a chunk boundary; shrinking towards 1.</summary>
    private Arbitrary<ulong> Sizes()
    {
        int chunks = (int)(Device.RegionSize / Device.Chunk);
        var boundary = Gen.Zip(Gen.Choose(1, chunks), Gen.Choose(-1, 1)).Select(t => (ulong)Math.Clamp((long)t.Item1 * (long)Device.Chunk + t.Item2, 1, (long)Device.RegionSize));
        var any = Gen.Choose(1, (int)Math.Min(Device.RegionSize, int.MaxValue)).Select(x => (ulong)x);
        return Arb.From(Gen.Frequency((2, boundary), (2, any), (1, Gen.Constant(Device.RegionSize))), x => new[] { 1UL, x / 2 }.Where(v => v >= 1 && v < x).Distinct());
    }

    private static Gen<ulong> Tokens() =>
        Gen.Frequency((4, ArbMap.Default.GeneratorFor<ulong>()), (1, Gen.Elements(0UL, 1UL, ulong.MaxValue)), (1, Gen.Choose(0, 64).Select(x => (ulong)x)));

    /// <summary>Rights over READ, WRITE, ATTACH, MANAGE; with <paramref name="clean"/> also CLEAN_DEFAULT.</summary>
    private static Arbitrary<VirtioIsmPerm> Rights(bool clean = false) => Gen.Choose(0, clean ? 31 : 15).Select(x => (VirtioIsmPerm)(ulong)x).ToArbitrary();

    private static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(1 + (i * 31 + seed * 7) % 255)).ToArray();

    private int AreaCount(ulong size) => (int)Math.Max(1, (size + Device.Chunk - 1) / Device.Chunk);

    /// <summary>PROTOCOL: device id 44 for every instance and after resets, no device feature bits, a power-of-two chunk_size dividing region_size, version-2 replies.</summary>
    [Checks(Ids.Vism2DecProtocol)]
    public Property EveryInstanceSpeaksVersion2() => ForAll(Arb.Zip(Ints(1, 4), Ints(0, 2)), c =>
    {
        using var s = Open();
        var gids = new HashSet<ulong>();
        for (int i = 0; i < c.Item1; i++)
        {
            var g = s.Add();
            for (int r = 0; r < c.Item2; r++) { g.MustAlloc(1); g = s.Reinit(g); }
            VismAssert.Equal(VirtioIsmSpec.VirtioIdIsm, g.Raw.DeviceId, $"{g.Name}: device id after {c.Item2} resets");
            VismAssert.That(g.Raw.OfferedFeatures == 0, $"{g.Name}: offers device feature bits 0x{g.Raw.OfferedFeatures:X} (version 2 defines none)");
            ulong chunk = g.Config.ChunkSize;
            VismAssert.That(BitOperations.IsPow2(chunk), $"{g.Name}: chunk_size {chunk} is not a power of two");
            VismAssert.That(Device.RegionSize % chunk == 0, $"{g.Name}: chunk_size {chunk} does not divide the region size {Device.RegionSize}");
            VismAssert.That(g.Devid != 0 && g.Config.NotifySize > 0, $"{g.Name}: config devid {g.Devid}, notify_size {g.Config.NotifySize}");
            gids.Add(g.Config.Gid);
            var reply = g.Send(AllocOne, Vism2Guest.AreaReplyCapacity, "ALLOC(1)");
            VismAssert.That(reply.Length == VirtioIsmCtrl.AllocReplyLength + VirtioIsmArea.Size && reply[0] == 0 && BitConverter.ToUInt64(reply, 9) == 1,
                $"{g.Name}: ALLOC(1) replied {Convert.ToHexString(reply)}, not {{OK, token, num 1, one area}}");
        }
        VismAssert.That(gids.Count == 1, $"guests of one host report different gids: {string.Join(", ", gids)}");
    });

    private static readonly byte[] AllocOne = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>AREAS: ALLOC lists max(1, ceil(size/chunk_size)) chunks {offset, chunk_size} of one slot in ascending order; ATTACH the same list.</summary>
    [Checks(Ids.Vism2DecAreas)]
    public Property AllocAndAttachListTheRegionsChunks() => ForAll(Gen.ListOf(Sizes().Generator).Select(l => l.Take(Math.Max(1, Device.Window - 1)).ToArray()).ToArbitrary(), sizes =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        ulong regions = Vism2Session.Length(a, ShmId.Regions);
        foreach (var size in sizes.DefaultIfEmpty(1UL))
        {
            var (ack, token, areas) = a.AllocRaw(size);
            VismAssert.That(ack == VirtioIsmAck.Ok, $"ALLOC({size}) acked {Acks.Name(ack)} on a host with room");
            string list = string.Join(" ", areas.Select(x => $"{{0x{x.Offset:X}, {x.SizeField}}}"));
            VismAssert.Equal(AreaCount(size), areas.Length, $"areas listed for ALLOC({size}) with chunk_size {Device.Chunk} [{list}]");
            ulong first = areas[0].Offset;
            VismAssert.That(first % Device.RegionSize == 0 && first + Device.RegionSize <= regions, $"ALLOC({size}): first area 0x{first:X} does not start a region_size slot of REGIONS");
            for (int i = 0; i < areas.Length; i++)
                VismAssert.That(areas[i].Offset == first + (ulong)i * Device.Chunk && areas[i].SizeField == Device.Chunk, $"ALLOC({size}): area {i} is not chunk {i} of the slot: [{list}]");
            var (attached, again) = b.AttachRaw(token);
            VismAssert.That(attached == VirtioIsmAck.Ok && again.SequenceEqual(areas), $"ATTACH of ALLOC({size})'s token acked {Acks.Name(attached)} with areas [{string.Join(" ", again.Select(x => $"{{0x{x.Offset:X}, {x.SizeField}}}"))}], not [{list}]");
        }
    });

    /// <summary>AREAS: a reply buffer too short for the area list gets ERR and changes nothing (no reference taken).</summary>
    [Checks(Ids.Vism2DecAreas)]
    public Property ShortReplyBuffersChangeNothing() => ForAll(Arb.Zip(Sizes(), Ints(0, 1 << 20)), c =>
    {
        using var s = Open();
        var a = s.Add();
        var b = s.Add();
        int n = AreaCount(c.Item1);
        int allocShort = 1 + c.Item2 % (VirtioIsmCtrl.AllocReplyLength + n * VirtioIsmArea.Size - 1);
        for (int i = 0; i < Device.Window; i++)
        {
            var (ack, _, _) = a.AllocRaw(c.Item1, allocShort);
            VismAssert.That(ack == VirtioIsmAck.Err, $"ALLOC({c.Item1}) into a {allocShort}-byte reply buffer ({n} areas) acked {Acks.Name(ack)}, not ERR");
        }
        var regions = Enumerable.Range(0, Device.Window).Select(_ => a.MustAlloc(c.Item1)).ToList();
        int attachShort = 1 + c.Item2 % (VirtioIsmCtrl.AttachReplyLength + n * VirtioIsmArea.Size - 1);
        var (shortAck, _) = b.AttachRaw(regions[0].Token, replyCapacity: attachShort);
        VismAssert.That(shortAck == VirtioIsmAck.Err, $"ATTACH into a {attachShort}-byte reply buffer ({n} areas) acked {Acks.Name(shortAck)}, not ERR");
        b.MustAttach(regions[0], "the short ATTACH before it must not have taken a reference");
    });
}
