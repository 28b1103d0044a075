using FsCheck;
using FsCheck.Fluent;
using IsmSpec.Virtio.Tests.Support;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Virtio.Tests;

/// <summary>
/// Model test of the split virtqueue: random sequences of add / kick / consume / complete / notify / get-used, run
/// against a reference model, with ring indices starting just below the 16-bit wrap, with and without EVENT_IDX and
/// indirect descriptors. After every step both halves must agree with the model, and no notification may be lost.
/// </summary>
public class VirtqModelTests
{
    public sealed record Scenario(int QueueSize, int FeatureBits, ushort StartIdx, int[] Ops)
    {
        public override string ToString() => $"qs={QueueSize} features={FeatureBits} start={StartIdx} ops=[{string.Join(",", Ops)}]";
    }

    private static readonly Gen<Scenario> Scenarios =
        from qs in Gen.Elements(1, 2, 4, 8, 16)
        from features in Gen.Choose(0, 3)
        from start in Gen.Elements<ushort>(0, 1, 32767, 65520, 65530, 65535)
        from ops in Gen.ArrayOf(Gen.Choose(0, 1 << 20))
        select new Scenario(qs, features, start, ops);

    [Fact]
    public void Random_operation_sequences_keep_driver_device_and_model_consistent() =>
        PropertyRunner.Check(Prop.ForAll(Scenarios.ToArbitrary(), Run), 600, "virtqueue model");

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Long_run_crosses_the_16_bit_index_wrap_naturally(int bits)
    {
        // 70,000 requests from index 0: add, kick, consume, complete, notify, get-used, plus one random step each.
        var random = new Random(bits);
        var model = new VirtqModel(new VirtqTestBed(4, VirtqTestBed.FeatureSet(bits)));
        for (int i = 0; i < 70_000; i++)
        {
            model.Step(random.Next(1 << 16) << 3);          // add
            model.Step(random.Next(1 << 20));               // anything
            foreach (int op in new[] { 2, 3, 5 | (random.Next(8) << 3), 6, 7 }) model.Step(op);
        }
        model.DrainAll();
        Assert.True(model.Completed > 65_536, $"features {bits}: only {model.Completed} requests completed");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Event_idx_suppresses_kicks_until_the_device_catches_up(int bits)
    {
        var bed = new VirtqTestBed(8, VirtqTestBed.FeatureSet(bits));
        var buffers = new[] { new VirtqBuffer(bed.SegmentAddress(0, 0), 8) };
        Assert.False(bed.Device.TryPop(out _)); // device idles: it wants a kick for the next entry
        bool[] kicks = new bool[3];
        for (int i = 0; i < 3; i++)
        {
            Assert.True(bed.Driver.TryAdd(buffers, default, out _));
            kicks[i] = bed.Driver.Kick();
        }
        // With EVENT_IDX only the first kick is needed (avail_event stays at 0 while the device sleeps); without it, all.
        Assert.Equal(bits == 1 ? new[] { true, false, false } : new[] { true, true, true }, kicks);
    }

    private static void Run(Scenario scenario)
    {
        var model = new VirtqModel(new VirtqTestBed(scenario.QueueSize, VirtqTestBed.FeatureSet(scenario.FeatureBits), scenario.StartIdx));
        foreach (int op in scenario.Ops) model.Step(op);
        model.DrainAll();
    }
}
