using IsmSpec.Specs.VhostUser;
using IsmSpec.VhostUser.Native;

namespace IsmSpec.VhostUser.Shmem;

/// <summary>One live SHMEM mapping as the front-end holds it.</summary>
public readonly record struct ShmemView(byte Shmid, ulong Offset, ulong Length, ulong Flags)
{
    public bool Readable => (Flags & VhostUserIsm.MmapNoRead) == 0;
    public bool Writable => (Flags & (ulong)VhostUserMmapFlags.Rw) != 0;
}

/// <summary>
/// The front-end's VIRTIO shared memory regions (research §5.8): one reserved PROT_NONE window per shmid
/// (GET_SHMEM_CONFIG), into which SHMEM_MAP maps the back-end's descriptor MAP_FIXED and SHMEM_UNMAP puts the
/// reservation back. Refuses overlapping maps (VHOST-SHMEM-NO-OVERLAP) and unmaps that are not exactly one mapping
/// (VHOST-SHMEM-UNMAP-WHOLE); a device reset drops everything (VHOST-SHMEM-RESET-DROPS). Loads and stores go through
/// <see cref="TryRead"/>/<see cref="TryWrite"/>, checked against the mapping's rights, under the same lock as
/// map/unmap, so an access never touches a range being unmapped. Thread-safe.
/// </summary>
public sealed unsafe class ShmemSpace : IDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<byte, (nint Base, ulong Length)> _windows = new();
    private readonly List<ShmemView> _views = [];

    /// <summary>Reserves a window for every non-zero size (index = shmid), replacing earlier windows.</summary>
    public void Configure(IReadOnlyList<ulong> sizes)
    {
        lock (_lock)
        {
            ReleaseWindows();
            for (int id = 0; id < sizes.Count; id++)
                if (sizes[id] is > 0 and <= int.MaxValue) _windows[(byte)id] = (UnixNative.Reserve(sizes[id]), sizes[id]);
        }
    }

    public ulong SizeOf(byte shmid) { lock (_lock) return _windows.TryGetValue(shmid, out var w) ? w.Length : 0; }

    public IReadOnlyList<ShmemView> Views { get { lock (_lock) return _views.ToList(); } }

    /// <summary>SHMEM_MAP; null when mapped, else why it was refused.</summary>
    public string? Map(in VhostUserMmap m, int fd)
    {
        lock (_lock)
        {
            if (!_windows.TryGetValue(m.Shmid, out var w)) return $"no shared memory region {m.Shmid}";
            if (m.Len == 0 || m.ShmOffset > w.Length || m.Len > w.Length - m.ShmOffset) return $"0x{m.ShmOffset:X}+0x{m.Len:X} leaves region {m.Shmid}";
            if (m.ShmOffset % UnixNative.PageSize != 0 || m.FdOffset % UnixNative.PageSize != 0) return "offsets must be page-aligned";
            if (((ulong)m.Flags & ~((ulong)VhostUserMmapFlags.Rw | VhostUserIsm.MmapNoRead)) != 0) return $"unknown flags 0x{(ulong)m.Flags:X}";
            foreach (var v in _views)
                if (v.Shmid == m.Shmid && v.Offset < m.ShmOffset + m.Len && m.ShmOffset < v.Offset + v.Length)
                    return $"overlaps the mapping at 0x{v.Offset:X}+0x{v.Length:X}";        // VHOST-SHMEM-NO-OVERLAP
            int prot = ((ulong)m.Flags & (ulong)VhostUserMmapFlags.Rw) != 0 ? UnixNative.PROT_READ | UnixNative.PROT_WRITE : UnixNative.PROT_READ;
            nint at = w.Base + (nint)m.ShmOffset;
            if (UnixNative.Mmap(at, (nuint)m.Len, prot, UnixNative.MAP_SHARED | UnixNative.MAP_FIXED, fd, (long)m.FdOffset) != at)
                return $"mmap failed (errno {UnixNative.Errno})";
            _views.Add(new ShmemView(m.Shmid, m.ShmOffset, m.Len, (ulong)m.Flags));
            return null;
        }
    }

    /// <summary>SHMEM_UNMAP: the range must be exactly one mapping (VHOST-SHMEM-UNMAP-WHOLE).</summary>
    public string? Unmap(in VhostUserMmap m)
    {
        lock (_lock)
        {
            byte shmid = m.Shmid;
            ulong offset = m.ShmOffset, length = m.Len;
            int i = _views.FindIndex(v => v.Shmid == shmid && v.Offset == offset && v.Length == length);
            if (i < 0) return $"no mapping is exactly 0x{offset:X}+0x{length:X} of region {shmid}";
            Drop(_views[i]);
            _views.RemoveAt(i);
            return null;
        }
    }

    /// <summary>Device reset: every mapping is gone.</summary>
    public void DropAll()
    {
        lock (_lock)
        {
            foreach (var v in _views) Drop(v);
            _views.Clear();
        }
    }

    public bool TryRead(byte shmid, ulong offset, Span<byte> into)
    {
        lock (_lock)
        {
            if (!TryLocate(shmid, offset, (ulong)into.Length, write: false, out byte* at)) return false;
            new Span<byte>(at, into.Length).CopyTo(into);
            return true;
        }
    }

    public bool TryWrite(byte shmid, ulong offset, ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (!TryLocate(shmid, offset, (ulong)bytes.Length, write: true, out byte* at)) return false;
            bytes.CopyTo(new Span<byte>(at, bytes.Length));
            return true;
        }
    }

    /// <summary>Where [offset, +length) of region <paramref name="shmid"/> is, when one mapping holds it with the needed right. Call under the lock.</summary>
    private bool TryLocate(byte shmid, ulong offset, ulong length, bool write, out byte* at)
    {
        at = null;
        if (!_windows.TryGetValue(shmid, out var w)) return false;
        foreach (var v in _views)
        {
            if (v.Shmid != shmid || offset < v.Offset || offset - v.Offset > v.Length || length > v.Length - (offset - v.Offset)) continue;
            if (write ? !v.Writable : !v.Readable) return false;
            at = (byte*)(w.Base + (nint)offset);
            return true;
        }
        return false;
    }

    private void Drop(ShmemView v) => UnixNative.Reserve(v.Length, _windows[v.Shmid].Base + (nint)v.Offset);

    private void ReleaseWindows()
    {
        foreach (var (_, w) in _windows) UnixNative.Munmap(w.Base, (nuint)w.Length);
        _windows.Clear();
        _views.Clear();
    }

    public void Dispose() { lock (_lock) ReleaseWindows(); }
}
