namespace IsmSpec.Smc.Tests;

/// <summary>
/// Busy polling (SmcdStreamOptions.BusyPoll): within the window a blocked reader or writer notices the peer's CDC
/// message in its own DMB without any signal; after it, or with polling off, only handle_irq wakes it.
/// </summary>
public class BusyPollTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_polling_reader_sees_data_whose_signal_was_lost()
    {
        using var bed = new TraceBed();
        var (a, b) = bed.Connect(busyPoll: Window);
        Assert.Equal(Window, b.BusyPoll);
        bed.Trace.DropSignals = true;
        var buffer = new byte[8];
        var read = Task.Run(() => b.Read(buffer));
        await Task.Delay(20);
        a.Write([1, 2, 3]);
        Assert.Equal(3, await read.WaitAsync(StreamBed.Timeout));
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer[..3]);
    }

    [Fact]
    public async Task An_async_polling_reader_sees_data_whose_signal_was_lost()
    {
        using var bed = new TraceBed();
        var (a, b) = bed.Connect(busyPoll: Window);
        bed.Trace.DropSignals = true;
        var buffer = new byte[8];
        var started = System.Diagnostics.Stopwatch.StartNew();
        var read = b.ReadAsync(buffer).AsTask();
        Assert.InRange(started.Elapsed, TimeSpan.Zero, Window / 2);      // the caller is not held for the window
        await Task.Delay(20);
        a.Write([7]);
        Assert.Equal(1, await read.WaitAsync(StreamBed.Timeout));
        Assert.Equal(7, buffer[0]);
    }

    [Fact]
    public async Task Without_polling_a_reader_waits_for_the_signal()
    {
        using var bed = new TraceBed();
        var (a, b) = bed.Connect();
        Assert.Equal(TimeSpan.Zero, b.BusyPoll);
        bed.Trace.DropSignals = true;
        var buffer = new byte[8];
        var read = Task.Run(() => b.Read(buffer));
        await Task.Delay(20);
        a.Write([1]);
        await Task.Delay(Quiet);
        Assert.False(read.IsCompleted);                          // the byte is in the ring, but nobody said so
        bed.Trace.DropSignals = false;
        a.Write([2]);
        Assert.InRange(await read.WaitAsync(StreamBed.Timeout), 1, 2);
        Assert.Equal(1, buffer[0]);
    }

    [Fact]
    public async Task After_the_window_a_reader_blocks_and_a_signal_still_wakes_it()
    {
        using var bed = new TraceBed();
        var (a, b) = bed.Connect(busyPoll: TimeSpan.FromMilliseconds(10));
        bed.Trace.DropSignals = true;
        var buffer = new byte[8];
        var read = Task.Run(() => b.Read(buffer));
        await Task.Delay(Quiet);                                  // well past the window: blocked now
        a.Write([5]);
        await Task.Delay(Quiet);
        Assert.False(read.IsCompleted);
        bed.Trace.DropSignals = false;
        a.Write([6]);
        Assert.InRange(await read.WaitAsync(StreamBed.Timeout), 1, 2);
        Assert.Equal(5, buffer[0]);
    }

    [Fact]
    public async Task A_polling_writer_facing_a_full_ring_sees_the_consumer_update_whose_signal_was_lost()
    {
        using var bed = new TraceBed();
        var (a, b) = bed.Connect(1024, 64, busyPoll: Window);   // B's ring: 32 bytes
        a.Write(new byte[32]);
        bed.Trace.DropSignals = true;
        var write = Task.Run(() => a.Write(new byte[] { 9 }));
        await Task.Delay(20);
        var buffer = new byte[32];
        for (int got = 0; got < 32;)
            got += b.Read(buffer.AsSpan(got));                   // the reader's consumer update frees the ring
        await write.WaitAsync(StreamBed.Timeout);
        Assert.Equal(33UL, a.BytesSent);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public async Task A_busy_poll_outside_0_to_100_ms_is_refused(int milliseconds)
    {
        using var bed = new TraceBed();
        var options = new SmcdStreamOptions { BusyPoll = TimeSpan.FromMilliseconds(milliseconds) };
        var (ca, _) = StreamBed.Channels();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SmcdEndpoint.ConnectAsync(bed.Client, bed.Trace.Device, ca, options));
        var (a, b) = bed.Connect();
        Assert.Throws<ArgumentOutOfRangeException>(() => a.BusyPoll = TimeSpan.FromMilliseconds(milliseconds));
        Assert.Equal(TimeSpan.Zero, a.BusyPoll);
    }
}
