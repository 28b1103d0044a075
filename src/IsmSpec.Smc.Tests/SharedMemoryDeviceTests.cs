using IsmSpec.Smc.SharedMemory;

namespace IsmSpec.Smc.Tests;

/// <summary>SharedMemoryDibsDevice: a copy in flight from another process never lands in a freed or reused slot.</summary>
public class SharedMemoryDeviceTests
{
    [Fact]
    public async Task Unregister_withdraws_the_token_at_once_and_returns_only_after_copies_in_flight_end()
    {
        using var fabric = SharedMemoryFabric.Create(2, 4, 4096);
        using var owner = new SharedMemoryDibsDevice(fabric, 0);
        using var writer = new SharedMemoryDibsDevice(fabric, 1);
        var client = new DibsClient("test", new NullClientOps());
        var dmb = new DibsDmb { DmbLen = 4096 };
        Assert.Equal(0, owner.RegisterDmb(owner.Device, ref dmb, client));

        owner.EnterWriterForTest((int)dmb.Idx, +1);                 // a copy of some process is under way
        var token = dmb.DmbTok;
        var unregister = Task.Run(() => owner.UnregisterDmb(owner.Device, ref dmb));
        await Task.Delay(100);
        Assert.False(unregister.IsCompleted);                        // the slot stays allocated while it copies
        Assert.Equal(-Errno.EINVAL, writer.MoveData(writer.Device, token, 0, false, 0, [1]));   // new moves: token gone
        owner.EnterWriterForTest((int)dmb.Idx, -1);
        Assert.Equal(0, await unregister.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_count_left_by_a_dead_writer_delays_unregister_by_the_drain_limit_only_once()
    {
        using var fabric = SharedMemoryFabric.Create(2, 4, 4096);
        using var owner = new SharedMemoryDibsDevice(fabric, 0);
        var client = new DibsClient("test", new NullClientOps());
        var dmb = new DibsDmb { DmbLen = 4096 };
        Assert.Equal(0, owner.RegisterDmb(owner.Device, ref dmb, client));
        owner.EnterWriterForTest((int)dmb.Idx, +1);                 // never lowered: its process died mid-copy

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, owner.UnregisterDmb(owner.Device, ref dmb));
        Assert.InRange(started.Elapsed, SharedMemoryDibsDevice.WriterDrainLimit * 0.9, TimeSpan.FromSeconds(10));

        Assert.Equal(0, owner.RegisterDmb(owner.Device, ref dmb, client));
        started.Restart();
        Assert.Equal(0, owner.UnregisterDmb(owner.Device, ref dmb));
        Assert.InRange(started.Elapsed, TimeSpan.Zero, SharedMemoryDibsDevice.WriterDrainLimit / 2);
    }

    private sealed class NullClientOps : IDibsClientOps<DibsDevice>
    {
        public void AddDev(DibsDevice dev) { }
        public void DelDev(DibsDevice dev) { }
        public void HandleIrq(DibsDevice dev, uint idx, ushort dmbemask) { }
        public void HandleEvent(DibsDevice dev, ref DibsEvent @event) { }
    }
}
