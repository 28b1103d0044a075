using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Specs.Virtio;
using Ids = IsmSpec.Specs.Virtio.VirtioSpec.Ids;

namespace IsmSpec.Conformance.Virtio;

public sealed partial class VirtioDeviceSuite
{
    /// <summary>Checks that the chain's response landed in its writable buffers, in order.</summary>
    private static void ResponseLanded(DeviceBench b, Posted posted, VirtqPopped popped, byte[] response)
    {
        int expected = (int)Math.Min((ulong)response.Length, posted.WritableBytes);
        VAssert.Equal((uint)expected, popped.Written, "bytes the device wrote into the writable buffers");
        int done = 0;
        foreach (var (address, length) in posted.Writable)
        {
            int n = Math.Min(length, expected - done);
            if (n <= 0) break;
            VAssert.Bytes(response.AsSpan(done, n), b.Memory.Bytes(address, n), $"writable buffer 0x{address:X}");
            done += n;
        }
    }

    /// <summary>§2.7.5.3.1: the WRITE flag of a descriptor that refers to an indirect table is disregarded.</summary>
    [Checks(Ids.VirtqIndirectIgnoreWrite)]
    public Property IgnoresWriteOnTheIndirectDescriptor() => ForAll(
        Tup.Of(Tup.Of(QueueSizes(0, 4), StartIndices), Tup.Of(Shapes(), Gen.Choose(0, 80), Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false))))).ToArbitrary(), c =>
    {
        var ((qs, start), (shape, respLen, tableWrite)) = c;
        using var b = Bench(qs, start);
        b.Run(VirtioSpec.VirtioFIndirectDesc);
        var posted = b.Post(shape with { Indirect = true, TableWrite = tableWrite });
        var response = DeviceBench.Response(respLen, 1);
        var popped = b.Pop(response);
        VAssert.That(popped is not null, $"the device refused indirect chain {shape} whose table descriptor has WRITE={tableWrite}");
        VAssert.Bytes(posted.ReadableBytes, popped!.Readable, "readable bytes through the indirect table");
        ResponseLanded(b, posted, popped, response);
        b.Complete(popped.Head);
        VAssert.Equal((VirtioDeviceStatus)0, b.T.Status & VirtioDeviceStatus.DeviceNeedsReset, "DEVICE_NEEDS_RESET after a valid indirect chain");
    });

    /// <summary>§2.7.8: a used element is filled in before the used idx that publishes it (checked when idx changes).</summary>
    [Checks(Ids.VirtqUsedLenBeforeIdx)]
    public Property UsedElementIsWrittenBeforeUsedIdx() => ForAll(
        Tup.Of(Tup.Of(QueueSizes(1, 4), StartIndices), Tup.Array(Tup.Of(Gen.Choose(1, 40), Gen.Choose(0, 7)), 1, 12)).ToArbitrary(), c =>
    {
        var ((qs, start), steps) = c;
        using var b = Bench(qs, start, steps.Length);
        b.Run(0);
        var published = new Dictionary<ushort, (uint, uint)>();
        b.Memory.Watch(b.Layout.UsedRing + 2, (who, from, to) =>
        {
            for (ushort i = from; i != to && who == MemoryActor.Device; i++) published[i] = b.UsedElem(i);
        });
        var inFlight = new List<VirtqPopped>();
        ushort used = start;
        foreach (var (len, pick) in steps)
        {
            if (b.Fits(new ChainShape([8], [len], false)))
            {
                b.Post(new ChainShape([8], [len], false));
                inFlight.Add(b.Pop(DeviceBench.Response(len, pick)) ?? throw new ConformanceViolation("the device did not take a valid chain"));
            }
            if (inFlight.Count == 0 || (pick & 1) == 0 && b.Fits(new ChainShape([8], [len], false))) continue;
            var done = inFlight[pick % inFlight.Count];
            inFlight.Remove(done);
            b.Memory.Fill(b.Layout.UsedElemAddress(b.Layout.Slot(used)), 8, 0xEE); // poison: a stale element must not pass
            b.Complete(done.Head);
            VAssert.That(published.TryGetValue(used, out var seen), $"used idx never moved past {used} after completing head {done.Head}");
            VAssert.Equal(((uint)done.Head, done.Written), seen, $"used element {used} (id, len) when used idx published it");
            used++;
        }
    });

    /// <summary>§2.1: after the driver writes 0, status reads 0 — from any stage, DEVICE_NEEDS_RESET included.</summary>
    [Checks(Ids.VirtioStatusResetZero)]
    public Property StatusReadsZeroAfterReset() => ForAll(Tup.Of(Gen.Choose(1, 5), Gen.Choose(2, 4), Gen.Elements(Enum.GetValues<Corruption>())).ToArbitrary(), c =>
    {
        var (stage, qs, corruption) = c;
        using var b = Bench(1 << qs, 0);
        var steps = new[] { VirtioDeviceStatus.Acknowledge, VirtioDeviceStatus.Driver, VirtioDeviceStatus.FeaturesOk };
        if (stage <= 3)
        {
            VirtioDeviceStatus s = 0;
            b.T.Status = 0;
            foreach (var bit in steps.Take(stage))
            {
                s |= bit;
                VAssert.Call("status write", () => b.T.Status = s);
                VAssert.Equal(s, b.T.Status & ~VirtioDeviceStatus.DeviceNeedsReset, "status read back before the reset");
            }
        }
        else
        {
            b.Run(SuiteKnown);
            VAssert.That((b.T.Status & VirtioDeviceStatus.DriverOk) != 0, "status does not hold DRIVER_OK");
            b.Post(stage == 5 ? Corrupt(corruption) : new ChainShape([4], [4], false));
            if (b.Pop([1, 2]) is { } p) b.Complete(p.Head);
        }
        VAssert.Call("reset (status = 0)", () => b.T.Status = 0);
        VAssert.Equal((VirtioDeviceStatus)0, VAssert.Call("status read", () => b.T.Status), "status after reset");
    });

    /// <summary>§2.2.1: an offered feature is honoured: indirect chains work; with EVENT_IDX, used_event ahead suppresses interrupts.</summary>
    [Checks(Ids.VirtioFeatDeviceHonour)]
    public Property OfferedFeaturesAreHonoured() => ForAll(
        Tup.Of(Tup.Of(QueueSizes(2, 4), StartIndices, SubsetOf(SuiteKnown)), Tup.Array(Shapes(), 1, 4)).ToArbitrary(), c =>
    {
        var ((qs, start, accept), shapes) = c;
        using var b = Bench(qs, start);
        if (!b.Handshake(accept & Offered)) return; // refusing a subset is VIRTIO-FEAT-DEVICE-ACCEPT-SUBSET's business
        bool indirect = b.Has(VirtioSpec.VirtioFIndirectDesc), eventIdx = b.Has(VirtioSpec.VirtioFEventIdx);
        if (eventIdx) b.SetUsedEvent((ushort)(start + 0x4000));
        for (int i = 0; i < shapes.Length; i++)
        {
            var shape = shapes[i] with { Indirect = shapes[i].Indirect && indirect };
            if (!b.Fits(shape)) continue;
            var posted = b.Post(shape);
            var response = DeviceBench.Response(20 + i, i);
            var popped = b.Pop(response) ?? throw new ConformanceViolation($"features 0x{b.Features:X}: the device did not take chain {shape}");
            VAssert.Bytes(posted.ReadableBytes, popped.Readable, $"features 0x{b.Features:X}: readable bytes of {shape}");
            ResponseLanded(b, posted, popped, response);
            b.Complete(popped.Head);
            if (eventIdx) VAssert.Equal(0L, b.Notify(), "interrupts with EVENT_IDX while used_event is far ahead");
        }
    });

    /// <summary>§2.5: every device-specific config byte reads the same before FEATURES_OK as after DRIVER_OK.</summary>
    [Checks(Ids.VirtioCfgReadableEarly)]
    public Property ConfigIsReadableBeforeFeaturesOk() => ForAll(Tup.Of(Gen.Choose(0, 4), Gen.Choose(0, 1 << 16), Gen.Choose(1, 1 << 16)).ToArbitrary(), c =>
    {
        var (stage, at, size) = c;
        using var b = Bench(1, 0);
        VAssert.That(b.T.ConfigLength > 0, "the device has no configuration space");
        int length = b.T.ConfigLength, offset = at % length, count = 1 + size % (length - offset);
        var stages = new[] { (VirtioDeviceStatus)0, VirtioDeviceStatus.Acknowledge, VirtioDeviceStatus.Acknowledge | VirtioDeviceStatus.Driver };
        if (stage > 0) b.T.Status = 0;
        foreach (var s in stages.Skip(1).Take(stage - 1)) b.T.Status = s;
        if (stage == 4) b.T.DriverFeatures = b.T.DeviceFeatures & SuiteKnown;
        var early = Read(b, offset, count, $"before FEATURES_OK (stage {stage})");
        b.Run(SuiteKnown);
        VAssert.Bytes(Read(b, offset, count, "after DRIVER_OK"), early, $"config bytes {offset}+{count} read before FEATURES_OK");
    });

    private static byte[] Read(DeviceBench b, int offset, int count, string when)
    {
        var bytes = new byte[count];
        for (int attempt = 0; attempt < 10; attempt++)
        {
            uint gen = b.T.ConfigGeneration;
            VAssert.Call($"ReadConfig({offset}, {count}) {when}", () => b.T.ReadConfig(offset, bytes));
            if (b.T.ConfigGeneration == gen) return bytes;
        }
        throw new ConformanceViolation($"config_generation kept changing while reading {when}");
    }

    /// <summary>§2.2.2 (SHOULD): every subset of the offered features gets FEATURES_OK.</summary>
    [Checks(Ids.VirtioFeatDeviceAcceptSubset)]
    public Property AcceptsEverySubsetOfferedFeatures() => ForAll(SubsetOf(ulong.MaxValue).ToArbitrary(), mask =>
    {
        using var b = Bench(1, 0);
        VAssert.That(b.Handshake(mask), $"FEATURES_OK refused for 0x{mask & b.T.DeviceFeatures:X}, a subset of offered 0x{b.T.DeviceFeatures:X}");
    });

    /// <summary>§2.2.2 (SHOULD NOT): after a reset the same accepted set is accepted again.</summary>
    [Checks(Ids.VirtioFeatRenegotiate)]
    public Property RenegotiatesTheSameFeaturesAfterReset() => ForAll(Tup.Of(SubsetOf(ulong.MaxValue), Gen.Choose(1, 3)).ToArbitrary(), c =>
    {
        using var b = Bench(1, 0);
        for (int round = 0; round <= c.Item2; round++)
        {
            bool ok = b.Handshake(c.Item1);
            if (round == 0 && !ok) return;
            VAssert.That(ok, $"round {round}: FEATURES_OK refused for 0x{b.Features:X}, accepted before the reset");
        }
    });
}
