using System.Diagnostics;
using IsmSpec.Virtio.Linux;

namespace IsmSpec.Virtio.Tests;

/// <summary>memfd regions and eventfds in one process: mapping twice, bounds, signalling, timeouts, disposal.</summary>
public class SharedMemoryTests
{
    [Fact]
    public void A_memfd_opened_through_proc_shows_the_same_bytes()
    {
        using var region = SharedMemoryRegion.Create("ismspec-test", 64 * 1024);
        using var again = SharedMemoryRegion.OpenFromProcess(Environment.ProcessId, region.FileDescriptor);
        Assert.Equal(region.Length, again.Length);
        Assert.True(region.Span.IndexOfAnyExcept((byte)0) < 0);
        region.Span[12345] = 0x42;
        Assert.Equal(0x42, again.Span[12345]);
        var memory = new SharedGuestMemory(again, 0x1000);
        Assert.True(memory.TryGetSpan(0x1000 + 12345, 1, out var one));
        Assert.Equal(0x42, one[0]);
        Assert.False(memory.TryGetSpan(0x1000 + 64 * 1024 - 1, 2, out _));
        Assert.False(memory.TryGetSpan(0xFFF, 1, out _));
        Assert.False(memory.TryGetSpan(ulong.MaxValue, 2, out _));
    }

    [Fact]
    public void Disposal_releases_the_descriptor_and_the_mapping()
    {
        var region = SharedMemoryRegion.Create("ismspec-dispose", 4096);
        int fd = region.FileDescriptor;
        Assert.True(File.Exists($"/proc/self/fd/{fd}"));
        region.Dispose();
        region.Dispose();
        Assert.Throws<ObjectDisposedException>(() => region.Span.Length);
        Assert.False(File.Exists($"/proc/self/fd/{fd}") && File.ResolveLinkTarget($"/proc/self/fd/{fd}", false)?.FullName.Contains("ismspec-dispose") == true);
    }

    [Fact]
    public void EventFd_signals_coalesce_and_wait_times_out()
    {
        using var eventFd = EventFd.Create();
        var watch = Stopwatch.StartNew();
        Assert.False(eventFd.Wait(50));
        Assert.True(watch.ElapsedMilliseconds >= 40);
        eventFd.Notify();
        eventFd.Notify();
        Assert.True(eventFd.Wait(0));
        Assert.False(eventFd.Wait(0));
        bool woken = false;
        var waiter = new Thread(() => woken = eventFd.Wait(5000));
        waiter.Start();
        Thread.Sleep(20);
        eventFd.Notify();
        Assert.True(waiter.Join(5000) && woken);
    }
}
