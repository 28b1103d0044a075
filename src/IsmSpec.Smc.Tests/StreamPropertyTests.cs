using System.IO.Pipelines;
using FsCheck;
using FsCheck.Fluent;

namespace IsmSpec.Smc.Tests;

/// <summary>
/// Acceptance: random-sized writes (0 .. 4 × the receiving ring) arrive intact and in order, both directions
/// at once, ending in a half-close each way (research §2.9 send/receive paths, rule 70).
/// </summary>
public class StreamPropertyTests
{
    private static readonly uint[] DmbSizes = [64, 96, 200, 1024, 4096, SmcSpec.SmcdDmbeMinSize];

    /// <summary>(DMB size of A, DMB size of B, writes A→B, writes B→A, seed); write sizes scale with the receiver's ring.</summary>
    internal static Arbitrary<(uint, uint, int[], int[], int)> Cases() =>
        Gen.Elements(DmbSizes).SelectMany(dmbA => Gen.Elements(DmbSizes).SelectMany(dmbB =>
            Writes(dmbB).SelectMany(writesA => Writes(dmbA).SelectMany(writesB =>
                Gen.Choose(0, int.MaxValue).Select(seed => (dmbA, dmbB, writesA, writesB, seed)))))).ToArbitrary();

    private static Gen<int[]> Writes(uint receiverDmb) =>
        Gen.Choose(0, 8).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 4 * (int)(receiverDmb - CdcHeader.RingOffset)), n));

    [Fact]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamFlowControl)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamClose)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcDmbHeaderAtZero)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcRecvReadsHeader)]
    [Trait(Req.Trait, SmcSpec.Ids.SmcStreamDmbSize)]
    public void Random_writes_arrive_intact_and_in_order_both_ways_over_loopback()
    {
        using var bed = new LoopbackBed();
        var property = Prop.ForAll(Cases(), c =>
        {
            var (a, b) = bed.Connect(c.Item1, c.Item2);
            using (a)
            using (b)
                return Exchange.Run(a, b, c.Item3, c.Item4, c.Item5);
        });
        PropertyRunner.Check(property, 150, "SMC-D stream over loopback");
        Assert.Equal(0, bed.Loopback.DmbCount);
    }

    [Fact]
    public void Random_writes_arrive_intact_and_in_order_over_the_shared_memory_device()
    {
        using var bed = new SharedMemoryBed();
        var property = Prop.ForAll(Cases(), c =>
        {
            var (a, b) = bed.Connect(c.Item1, c.Item2);
            using (a)
            using (b)
                return Exchange.Run(a, b, c.Item3, c.Item4, c.Item5);
        });
        PropertyRunner.Check(property, 40, "SMC-D stream over the shared-memory DIBS device");
    }

    [Fact]
    public async Task A_stream_carries_data_through_stream_apis()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect(200, 200);
        using var sa = a.GetStream();
        using var sb = b.GetStream();
        var data = Exchange.RandomBytes(new Random(5), 5000);
        var copy = Task.Run(async () =>
        {
            var received = new MemoryStream();
            await sb.CopyToAsync(received);
            return received.ToArray();
        });
        sa.Write(data, 0, 1234);
        await sa.WriteAsync(data, 1234, 3766);
        sa.Flush();
        sa.ShutdownWrite();
        Assert.Equal(data, await copy.WaitAsync(StreamBed.Timeout));
        Assert.False(sa.CanSeek);
        Assert.Throws<NotSupportedException>(() => sa.Length);
    }

    [Fact]
    public async Task A_duplex_pipe_carries_data_and_completing_the_writer_half_closes()
    {
        using var bed = new LoopbackBed();
        var (a, b) = bed.Connect(128, 128);
        using (a)
        using (b)
        {
            var pa = a.AsDuplexPipe();
            var pb = b.AsDuplexPipe();
            var data = Exchange.RandomBytes(new Random(9), 3000);
            var read = Task.Run(async () =>
            {
                var all = new List<byte>();
                while (true)
                {
                    var result = await pb.Input.ReadAsync();
                    foreach (var segment in result.Buffer)
                        all.AddRange(segment.ToArray());
                    pb.Input.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                        return all.ToArray();
                }
            });
            await pa.Output.WriteAsync(data);
            await pa.Output.CompleteAsync();
            Assert.Equal(data, await read.WaitAsync(StreamBed.Timeout));
        }
    }
}
