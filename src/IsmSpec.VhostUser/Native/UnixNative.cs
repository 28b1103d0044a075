using System.Runtime.InteropServices;

namespace IsmSpec.VhostUser.Native;

/// <summary>
/// sendmsg/recvmsg with SCM_RIGHTS, socketpair and poll (Linux, LP64 layouts). .NET has no managed API for passing
/// descriptors over AF_UNIX (dotnet/runtime#932, research §5.5), so the vhost-user socket calls these on the handle.
/// </summary>
internal static unsafe partial class UnixNative
{
    private const string Lib = "libc";

    public const int AF_UNIX = 1;
    public const int SOCK_STREAM = 1;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1;
    public const int SCM_RIGHTS = 1;
    public const int MSG_CTRUNC = 0x8;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;
    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const int EINTR = 4;
    public const int EAGAIN = 11;

    /// <summary>struct cmsghdr is { size_t len; int level; int type; } = 16 bytes on LP64; data follows, 8-aligned.</summary>
    public const int CmsgHeaderSize = 16;

    public static int CmsgSpace(int dataBytes) => CmsgHeaderSize + ((dataBytes + 7) & ~7);
    public static int CmsgLen(int dataBytes) => CmsgHeaderSize + dataBytes;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Lib, EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(int socket, MsgHdr* message, int flags);

    [LibraryImport(Lib, EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint RecvMsg(int socket, MsgHdr* message, int flags);

    [LibraryImport(Lib, EntryPoint = "socketpair", SetLastError = true)]
    public static partial int SocketPair(int domain, int type, int protocol, int* fds);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "dup", SetLastError = true)]
    public static partial int Dup(int fd);

    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static IOException Failure(string call) =>
        new($"{call} failed: errno {Errno} ({Marshal.GetPInvokeErrorMessage(Errno)})");

    /// <summary>Waits until <paramref name="fd"/> is readable (or hung up); false on timeout. EINTR restarts with the remaining time.</summary>
    public static bool WaitReadable(int fd, long deadlineTicks)
    {
        while (true)
        {
            long left = deadlineTicks - Environment.TickCount64;
            if (left <= 0) return false;
            var pfd = new PollFd { Fd = fd, Events = POLLIN };
            int n = Poll(&pfd, 1, (int)Math.Min(left, int.MaxValue));
            if (n > 0) return true;
            if (n < 0 && Errno != EINTR) throw Failure("poll");
        }
    }
}
