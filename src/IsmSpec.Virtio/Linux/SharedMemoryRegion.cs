namespace IsmSpec.Virtio.Linux;

/// <summary>
/// A memfd mapped MAP_SHARED into this process: owns the file descriptor and the mapping, and releases both on
/// <see cref="Dispose"/>. Another process maps the same memory by inheriting the descriptor
/// (<see cref="OpenInherited"/>) or by opening <c>/proc/&lt;pid&gt;/fd/&lt;n&gt;</c> (<see cref="OpenFromProcess"/>).
/// Spans over the mapping must not outlive the region; use <see cref="SharedGuestMemory"/> for bounds-checked access.
/// </summary>
public sealed unsafe class SharedMemoryRegion : IDisposable
{
    private nint _address;
    private int _fd;

    private SharedMemoryRegion(int fd, long length)
    {
        _fd = fd;
        Length = length;
        _address = LibC.Mmap(0, (nuint)length, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
        if (_address == LibC.MAP_FAILED)
        {
            var error = LibC.Failure("mmap");
            LibC.Close(fd);
            _fd = -1;
            throw error;
        }
    }

    /// <summary>A new zero-filled memfd of <paramref name="length"/> bytes (close-on-exec until made inheritable).</summary>
    public static SharedMemoryRegion Create(string name, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        int fd = LibC.MemfdCreate(name, LibC.MFD_CLOEXEC);
        if (fd < 0) throw LibC.Failure("memfd_create");
        if (LibC.Ftruncate(fd, length) != 0)
        {
            var error = LibC.Failure("ftruncate");
            LibC.Close(fd);
            throw error;
        }
        return new SharedMemoryRegion(fd, length);
    }

    /// <summary>Takes ownership of an inherited descriptor number and maps the whole file.</summary>
    public static SharedMemoryRegion OpenInherited(int fd)
    {
        long length = LibC.Lseek(fd, 0, 2 /* SEEK_END */);
        if (length <= 0) throw LibC.Failure("lseek(SEEK_END)");
        LibC.Lseek(fd, 0, 0);
        return new SharedMemoryRegion(fd, length);
    }

    /// <summary>Opens another process's memfd through <c>/proc/&lt;pid&gt;/fd/&lt;fd&gt;</c> (same user) and maps it.</summary>
    public static SharedMemoryRegion OpenFromProcess(int pid, int fd)
    {
        int own = LibC.Open($"/proc/{pid}/fd/{fd}", LibC.O_RDWR | LibC.O_CLOEXEC);
        if (own < 0) throw LibC.Failure($"open(/proc/{pid}/fd/{fd})");
        return OpenInherited(own);
    }

    /// <summary>Length of the mapping in bytes.</summary>
    public long Length { get; }

    /// <summary>The descriptor number (valid until disposal), to pass to a child process.</summary>
    public int FileDescriptor => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(SharedMemoryRegion));

    /// <summary>Lets (or stops) children started later inherit the descriptor.</summary>
    public void SetInheritable(bool inheritable) => LibC.SetInheritable(FileDescriptor, inheritable);

    /// <summary>The whole mapping. Valid only until <see cref="Dispose"/>.</summary>
    public Span<byte> Span =>
        _address != 0 ? new Span<byte>((void*)_address, checked((int)Length)) : throw new ObjectDisposedException(nameof(SharedMemoryRegion));

    public void Dispose()
    {
        if (_address != 0)
        {
            LibC.Munmap(_address, (nuint)Length);
            _address = 0;
        }
        if (_fd >= 0)
        {
            LibC.Close(_fd);
            _fd = -1;
        }
    }
}
