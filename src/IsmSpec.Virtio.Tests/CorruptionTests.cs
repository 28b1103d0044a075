using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Memory;
using IsmSpec.Virtio.Tests.Support;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Virtio.Tests;

/// <summary>
/// The device half against a hostile driver: valid chains are posted, then descriptor table, avail ring and indirect
/// tables are corrupted at random. The device must either serve valid chains or fault into DEVICE_NEEDS_RESET — never
/// throw, never touch a byte outside guest memory (guard bytes and a span-escape check on every access).
/// </summary>
public class CorruptionTests
{
    public sealed record Scenario(int QueueSize, int FeatureBits, ushort StartIdx, int Posted, (int Kind, int A, int B)[] Corruptions)
    {
        public override string ToString() =>
            $"qs={QueueSize} features={FeatureBits} start={StartIdx} posted={Posted} corruptions=[{string.Join(",", Corruptions)}]";
    }

    private static readonly Gen<int> Values = Gen.OneOf(Gen.Choose(0, 20), Gen.Choose(0, int.MaxValue), Gen.Choose(65520, 65535));

    private static readonly Gen<Scenario> Scenarios =
        from qs in Gen.Elements(2, 4, 8)
        from features in Gen.Choose(0, 3)
        from start in Gen.Elements<ushort>(0, 65533)
        from posted in Gen.Choose(1, 8)
        from corruptions in Gen.ArrayOf(from k in Gen.Choose(0, 9) from a in Values from b in Values select (k, a, b))
        select new Scenario(qs, features, start, posted, corruptions);

    [Fact]
    public void Random_corruption_ends_in_valid_service_or_needs_reset_without_escaping_memory()
    {
        int faulted = 0, cases = 0;
        PropertyRunner.Check(Prop.ForAll(Scenarios.ToArbitrary(), scenario =>
        {
            cases++;
            if (Run(scenario)) faulted++;
        }), 10_000, "virtqueue corruption");
        Assert.True(cases >= 10_000, $"only {cases} cases ran");
        Assert.True(faulted > cases / 5, $"only {faulted} of {cases} cases faulted; the generator is too gentle");
    }

    private static readonly byte[] Scratch = new byte[2 << 20];

    /// <summary>Runs one scenario; true when the device faulted.</summary>
    private static bool Run(Scenario s)
    {
        var bed = new VirtqTestBed(s.QueueSize, VirtqTestBed.FeatureSet(s.FeatureBits), s.StartIdx);
        for (int i = 0; i < s.Posted; i++)
        {
            int slot = i % s.QueueSize;
            var rd = new[] { new VirtqBuffer(bed.SegmentAddress(slot, 0), 16), new VirtqBuffer(bed.SegmentAddress(slot, 1), 16) };
            var wr = new[] { new VirtqBuffer(bed.SegmentAddress(slot, 2), 32) };
            if (!bed.Driver.TryAdd(rd.AsSpan(0, 1 + i % 2), wr, out _)) break;
        }
        foreach (var c in s.Corruptions) Corrupt(bed, c.Kind, c.A, c.B);

        var scratch = Scratch;
        for (int round = 0; round < 3 * s.QueueSize; round++)
        {
            if (!bed.Device.TryPop(out var chain)) break;
            foreach (var segment in bed.Device.Segments) Assert.True(bed.Memory.TryGetSpan(segment.Address, segment.Length, out _));
            bed.Device.ReadFrom(in chain, scratch.AsSpan(0, (int)Math.Min(chain.ReadableBytes, (ulong)scratch.Length)));
            bed.Device.WriteTo(in chain, scratch.AsSpan(0, (int)Math.Min(chain.WritableBytes, (ulong)scratch.Length)));
            bed.Device.Complete(chain.Head, (uint)chain.WritableBytes);
            bed.Device.NotifyIfNeeded();
        }
        Assert.Equal(0, bed.Memory.Escapes);
        Assert.True(bed.Memory.GuardsIntact, "guard bytes around guest memory changed");
        bool faulted = bed.Device.Fault != VirtqFault.None;
        Assert.Equal(faulted, (bed.State.Status & VirtioDeviceStatus.DeviceNeedsReset) != 0);
        Assert.False(bed.Device.TryPop(out _) && faulted, "a faulted queue went on serving");
        return faulted;
    }

    private static void Corrupt(VirtqTestBed bed, int kind, int a, int b)
    {
        var layout = bed.Layout;
        ref var desc = ref VirtqDesc.View(bed.Bytes(layout.DescAddress(a % layout.QueueSize), VirtqDesc.Size));
        ref var indirect = ref VirtqDesc.View(bed.Bytes(bed.IndirectArea.TableAddress(a % layout.QueueSize) + (ulong)(b % 4 * VirtqDesc.Size), VirtqDesc.Size));
        switch (kind)
        {
            case 0: bed.Bytes(layout.DescTable, layout.DescTableBytes)[a % layout.DescTableBytes] = (byte)b; break;
            case 1: desc.Next = (ushort)b; break;
            case 2: desc.Len = (uint)b * 997u; break;
            case 3: desc.Addr = Address(bed, a, b); break;
            case 4: desc.Flags = VirtqDescFlags.FromValue((ushort)(b % 3 == 0 ? b : b & 7)); break;
            case 5: VirtqAvailElem.View(bed.Bytes(layout.AvailElemAddress(a % layout.QueueSize), VirtqAvailElem.Size)).Head = (ushort)b; break;
            case 6: VirtqAvail.View(bed.Bytes(layout.AvailRing, VirtqAvail.Size)).Idx = (ushort)b; break;
            case 7: indirect.Next = (ushort)b; indirect.Flags = VirtqDescFlags.FromValue((ushort)(a & 7)); break;
            case 8: indirect.Addr = Address(bed, a, b); indirect.Len = (uint)b; break;
            default: bed.Bytes(layout.AvailRing, layout.AvailRingBytes)[a % layout.AvailRingBytes] = (byte)b; break;
        }
    }

    private static ulong Address(VirtqTestBed bed, int a, int b) => (a % 4) switch
    {
        0 => bed.Memory.BaseAddress + (ulong)b % bed.Memory.Length,
        1 => bed.Memory.BaseAddress + bed.Memory.Length - (ulong)(b % 64),
        2 => ulong.MaxValue - (ulong)(b % 64),
        _ => (ulong)b,
    };

    public static TheoryData<string, VirtqFault> Cases => new()
    {
        { "head out of range", VirtqFault.DescIndexOutOfRange },
        { "next out of range", VirtqFault.DescIndexOutOfRange },
        { "chain loop", VirtqFault.ChainLoop },
        { "length beyond memory", VirtqFault.BufferOutOfBounds },
        { "address wraps", VirtqFault.BufferOutOfBounds },
        { "avail idx jumps", VirtqFault.AvailIdxOutOfRange },
        { "readable after writable", VirtqFault.ReadableAfterWritable },
        { "indirect without feature", VirtqFault.IndirectNotNegotiated },
        { "indirect with next", VirtqFault.IndirectWithNext },
        { "nested indirect", VirtqFault.NestedIndirect },
        { "indirect length", VirtqFault.BadIndirectLength },
        { "indirect loop", VirtqFault.ChainLoop },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_violation_is_detected_as_its_fault(string what, VirtqFault expected)
    {
        bool indirectCase = what.StartsWith("indirect") || what == "nested indirect";
        var bed = new VirtqTestBed(4, VirtqTestBed.FeatureSet(indirectCase && what != "indirect without feature" ? 2 : 0));
        var rd = new[] { new VirtqBuffer(bed.SegmentAddress(0, 0), 16), new VirtqBuffer(bed.SegmentAddress(0, 1), 16) };
        var wr = new[] { new VirtqBuffer(bed.SegmentAddress(0, 2), 16) };
        Assert.True(bed.Driver.TryAdd(rd, wr, out ushort head));
        var L = bed.Layout;
        ref var d0 = ref VirtqDesc.View(bed.Bytes(L.DescAddress(head), VirtqDesc.Size));
        ref var t1 = ref VirtqDesc.View(bed.Bytes(bed.IndirectArea.TableAddress(head) + VirtqDesc.Size, VirtqDesc.Size));
        switch (what)
        {
            case "head out of range": VirtqAvailElem.View(bed.Bytes(L.AvailElemAddress(0), 2)).Head = 4; break;
            case "next out of range": d0.Next = 4; break;
            case "chain loop": d0.Next = head; break;
            case "length beyond memory": d0.Len = (uint)bed.Memory.Length; break;
            case "address wraps": d0.Addr = ulong.MaxValue - 4; break;
            case "avail idx jumps": VirtqAvail.View(bed.Bytes(L.AvailRing, 4)).Idx = 6; break;
            case "readable after writable": d0.Flags.Write = true; break;
            case "indirect without feature": d0.Flags.Indirect = true; d0.Flags.Next = false; d0.Len = 32; d0.Addr = bed.IndirectArea.TableAddress(head); break;
            case "indirect with next": d0.Flags.Next = true; break;
            case "nested indirect": t1.Flags.Indirect = true; break;
            case "indirect length": d0.Len = 17; break;
            case "indirect loop": t1.Next = 0; t1.Flags.Next = true; break;
        }
        Assert.False(bed.Device.TryPop(out _));
        Assert.Equal(expected, bed.Device.Fault);
        Assert.True((bed.State.Status & VirtioDeviceStatus.DeviceNeedsReset) != 0);
        Assert.Equal(0, bed.Memory.Escapes);
    }
}
