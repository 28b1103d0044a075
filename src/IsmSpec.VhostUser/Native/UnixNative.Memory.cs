using System.Runtime.InteropServices;

namespace IsmSpec.VhostUser.Native;

/// <summary>mmap/munmap/lseek for the memory table (back-end) and the SHMEM windows (front-end). Linux x86-64/arm64 values.</summary>
internal static unsafe partial class UnixNative
{
    public const int PROT_NONE = 0x0;
    public const int PROT_READ = 0x1;
    public const int PROT_WRITE = 0x2;
    public const int MAP_SHARED = 0x01;
    public const int MAP_PRIVATE = 0x02;
    public const int MAP_FIXED = 0x10;
    public const int MAP_ANONYMOUS = 0x20;
    public const int MAP_NORESERVE = 0x4000;
    public const int SEEK_END = 2;
    public static readonly nint MAP_FAILED = -1;
    public const long PageSize = 4096;

    [LibraryImport(Lib, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Lib, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport(Lib, EntryPoint = "lseek", SetLastError = true)]
    public static partial long Lseek(int fd, long offset, int whence);

    /// <summary>Size of the file behind <paramref name="fd"/> (memfd), or -1 when it has none.</summary>
    public static long FileSize(int fd) => Lseek(fd, 0, SEEK_END);

    /// <summary>Reserves <paramref name="length"/> bytes of address space that faults on every access (PROT_NONE).</summary>
    public static nint Reserve(ulong length, nint at = 0)
    {
        int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (at != 0 ? MAP_FIXED : 0);
        nint address = Mmap(at, (nuint)length, PROT_NONE, flags, -1, 0);
        return address == MAP_FAILED ? throw Failure("mmap(reserve)") : address;
    }
}
