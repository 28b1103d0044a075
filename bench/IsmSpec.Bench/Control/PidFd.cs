using System.Runtime.InteropServices;

namespace IsmSpec.Bench.Control;

/// <summary>
/// pidfd_open + pidfd_getfd (Linux 5.6+): a duplicate of another process's file descriptor. The cross-process control
/// benchmark runs the guest here and the device host in the peer, so the guest needs the host's doorbell and interrupt
/// eventfds, which cannot be reopened through /proc (ENXIO) and are not inherited by a parent. Needs ptrace access
/// to the child (the default for a parent under Yama ptrace_scope 0 or 1).
/// </summary>
internal static partial class PidFd
{
    private const long SysPidfdOpen = 434, SysPidfdGetfd = 438;   // the same number on every Linux architecture

    public static int Take(int pid, int fd)
    {
        long pidfd = syscall(SysPidfdOpen, pid, 0, 0);
        if (pidfd < 0)
            throw new IOException($"pidfd_open({pid}) failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            long copy = syscall(SysPidfdGetfd, pidfd, fd, 0);
            if (copy < 0)
                throw new IOException($"pidfd_getfd({pid}, {fd}) failed: errno {Marshal.GetLastPInvokeError()} (ptrace access to the peer needed)");
            return (int)copy;
        }
        finally
        {
            close((int)pidfd);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, long a, long b, long c);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
