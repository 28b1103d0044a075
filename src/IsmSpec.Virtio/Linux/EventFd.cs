using IsmSpec.Virtio.Notify;

namespace IsmSpec.Virtio.Linux;

/// <summary>
/// A Linux eventfd (an 8-byte counter): <see cref="Notify"/> adds 1, <see cref="Wait"/> blocks in poll(2) until the
/// counter is non-zero and then reads (and clears) it. Owns the descriptor; close with <see cref="Dispose"/>.
/// The vhost-user "kick" and "call" descriptors are eventfds used exactly this way.
/// </summary>
public sealed unsafe class EventFd : INotifier, IDisposable
{
    private int _fd;

    private EventFd(int fd) => _fd = fd;

    /// <summary>eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); non-blocking so reads never hang, waiting is done by poll.</summary>
    public static EventFd Create()
    {
        int fd = LibC.EventFd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (fd < 0) throw LibC.Failure("eventfd");
        return new EventFd(fd);
    }

    /// <summary>Takes ownership of an inherited eventfd descriptor number.</summary>
    public static EventFd FromInherited(int fd) => fd >= 0 ? new EventFd(fd) : throw new ArgumentOutOfRangeException(nameof(fd));

    public int FileDescriptor => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(EventFd));

    /// <summary>Lets (or stops) children started later inherit the descriptor.</summary>
    public void SetInheritable(bool inheritable) => LibC.SetInheritable(FileDescriptor, inheritable);

    /// <summary>Adds 1 to the counter (write of an 8-byte value), waking a waiter.</summary>
    public void Notify()
    {
        ulong one = 1;
        while (LibC.Write(FileDescriptor, &one, 8) != 8)
        {
            if (LibC.Errno != LibC.EINTR) throw LibC.Failure("write(eventfd)");
        }
    }

    /// <summary>Reads and clears the counter without blocking; 0 when nothing was signalled.</summary>
    public ulong TryConsume()
    {
        ulong value;
        while (LibC.Read(FileDescriptor, &value, 8) != 8)
        {
            int errno = LibC.Errno;
            if (errno == LibC.EAGAIN) return 0;
            if (errno != LibC.EINTR) throw LibC.Failure("read(eventfd)");
        }
        return value;
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> (-1 = forever) for a signal and consumes it.</summary>
    public bool Wait(int timeoutMs)
    {
        long deadline = Environment.TickCount64 + Math.Max(timeoutMs, 0);
        while (true)
        {
            if (TryConsume() != 0) return true;
            long left = timeoutMs < 0 ? -1 : deadline - Environment.TickCount64;
            if (timeoutMs >= 0 && left <= 0) return false;
            var pfd = new LibC.PollFd { Fd = FileDescriptor, Events = LibC.POLLIN };
            if (LibC.Poll(&pfd, 1, (int)Math.Min(left, int.MaxValue)) < 0 && LibC.Errno != LibC.EINTR) throw LibC.Failure("poll(eventfd)");
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            LibC.Close(_fd);
            _fd = -1;
        }
    }
}
