using IsmSpec.Virtio.Tests.Support;
using IsmSpec.Virtio.Virtqueue;

namespace IsmSpec.Virtio.Tests;

/// <summary>
/// The steady-state path (add, kick, pop, read, write, complete, notify, get-used) allocates nothing: after warm-up
/// and tier-up, 1,000 round trips add zero bytes to GC.GetAllocatedBytesForCurrentThread().
/// </summary>
public class AllocationTests
{
    private const int Iterations = 1000;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Steady_state_round_trips_allocate_nothing(int featureBits)
    {
        var bed = new VirtqTestBed(16, VirtqTestBed.FeatureSet(featureBits));
        var readable = new[] { new VirtqBuffer(bed.SegmentAddress(0, 0), 32), new VirtqBuffer(bed.SegmentAddress(0, 1), 32) };
        var writable = new[] { new VirtqBuffer(bed.SegmentAddress(0, 2), 32) };
        var scratch = new byte[64];
        long sink = 0;

        void Loop()
        {
            for (int i = 0; i < Iterations; i++)
            {
                bed.Driver.TryAdd(readable, writable, out _);
                bed.Driver.Kick();
                while (bed.Device.TryPop(out var chain))
                {
                    int n = bed.Device.ReadFrom(in chain, scratch);
                    bed.Device.WriteTo(in chain, scratch.AsSpan(0, (int)chain.WritableBytes));
                    bed.Device.Complete(chain.Head, (uint)n);
                }
                bed.Device.NotifyIfNeeded();
                while (bed.Driver.TryGetUsed(out _, out uint len)) sink += len;
            }
        }

        for (int i = 0; i < 5; i++) Loop();
        Thread.Sleep(150);
        for (int i = 0; i < 3; i++) Loop();
        long best = long.MaxValue;
        for (int attempt = 0; attempt < 3 && best > 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Loop();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(best == 0, $"features {featureBits}: {best} bytes allocated in {Iterations} round trips");
        Assert.True(sink > 0);
    }
}
