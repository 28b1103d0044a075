using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using IsmSpec.Virtio.Linux;

namespace IsmSpec.Smc.SharedMemory;

/// <summary>
/// The "fabric" of <see cref="SharedMemoryDibsDevice"/>s: one memfd mapped by every process on it, plus one
/// eventfd per station (a station is one device). Layout (host order, all offsets 8-aligned):
/// <code>
///   0     magic u64 "ISMSHDIB", stations u32 @8, slots u32 @12, slot_size u32 @16
///   64    per station (64 bytes each): gid[16] @0, present u32 @16, pending-signal mask u64 @24
///   4096  slot table: per station, per slot 16 bytes: token u64 @0, dmb_len u32 @8, writers in flight i32 @12
///   then  DMB arenas, page aligned: station s, slot i at arena + (s·slots + i)·slot_size
/// </code>
/// The parent creates it; a child maps the same memfd through /proc/&lt;pid&gt;/fd and inherits the eventfds.
/// </summary>
public sealed unsafe class SharedMemoryFabric : IDisposable
{
    private const ulong Magic = 0x4249_4448_534D_5349; // "ISMSHDIB" little-endian
    private const int StationBase = 64, StationStride = 64, TableBase = 4096, EntrySize = 16;
    private readonly SharedMemoryRegion _region;
    private readonly EventFd[] _signals;
    private readonly byte* _base;

    private SharedMemoryFabric(SharedMemoryRegion region, EventFd[] signals)
    {
        _region = region;
        _signals = signals;
        _base = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(region.Span));
        Stations = (int)*(uint*)(_base + 8);
        Slots = (int)*(uint*)(_base + 12);
        SlotSize = (int)*(uint*)(_base + 16);
        ArenaBase = Align(TableBase + (long)Stations * Slots * EntrySize);
    }

    /// <summary>A new fabric for <paramref name="stations"/> devices of up to 64 DMBs of <paramref name="slotSize"/> bytes each.</summary>
    public static SharedMemoryFabric Create(int stations = 2, int slots = 16, int slotSize = 64 * 1024)
    {
        if (stations is < 1 or > 63 || slots is < 1 or > 64 || slotSize < 64 || slotSize % 8 != 0)
            throw new ArgumentOutOfRangeException(nameof(stations), "1..63 stations, 1..64 slots, slot size ≥ 64 and 8-aligned");
        long length = Align(TableBase + (long)stations * slots * EntrySize) + (long)stations * slots * slotSize;
        var region = SharedMemoryRegion.Create("ismspec-smc-fabric", length);
        var header = region.Span;
        MemoryMarshal.Write(header, Magic);
        MemoryMarshal.Write(header[8..], (uint)stations);
        MemoryMarshal.Write(header[12..], (uint)slots);
        MemoryMarshal.Write(header[16..], (uint)slotSize);
        var signals = new EventFd[stations];
        for (var i = 0; i < stations; i++)
            signals[i] = EventFd.Create();
        return new SharedMemoryFabric(region, signals);
    }

    /// <summary>The fabric described by <see cref="ChildArguments"/>, in the child process.</summary>
    public static SharedMemoryFabric Open(IReadOnlyList<string> args)
    {
        var numbers = args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        var region = SharedMemoryRegion.OpenFromProcess(numbers[0], numbers[1]);
        if (MemoryMarshal.Read<ulong>(region.Span) != Magic)
        {
            region.Dispose();
            throw new InvalidDataException("not an IsmSpec shared-memory DIBS fabric");
        }
        return new SharedMemoryFabric(region, numbers[2..].Select(EventFd.FromInherited).ToArray());
    }

    /// <summary>Arguments for <see cref="Open"/> in a child: parent pid, memfd number, one eventfd per station.</summary>
    public IReadOnlyList<string> ChildArguments() =>
        [Environment.ProcessId.ToString(CultureInfo.InvariantCulture), _region.FileDescriptor.ToString(CultureInfo.InvariantCulture),
            .. _signals.Select(s => s.FileDescriptor.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Lets a child started next inherit the eventfds (the memfd is opened through /proc), or stops it.</summary>
    public void SetInheritable(bool inheritable)
    {
        foreach (var s in _signals)
            s.SetInheritable(inheritable);
    }

    public int Stations { get; }
    public int Slots { get; }
    public int SlotSize { get; }
    private long ArenaBase { get; }

    internal Span<byte> Gid(int station) => new(_base + StationBase + station * StationStride, 16);
    internal ref uint Present(int station) => ref *(uint*)(_base + StationBase + station * StationStride + 16);
    internal ref ulong Pending(int station) => ref *(ulong*)(_base + StationBase + station * StationStride + 24);
    internal ref ulong Token(int station, int slot) => ref *(ulong*)Entry(station, slot);
    internal ref uint Length(int station, int slot) => ref *(uint*)(Entry(station, slot) + 8);
    /// <summary>move_data calls (of any process) copying into the slot right now; unregister waits for 0.</summary>
    internal ref int Writers(int station, int slot) => ref *(int*)(Entry(station, slot) + 12);
    internal byte* Arena(int station, int slot) => _base + ArenaBase + ((long)station * Slots + slot) * SlotSize;
    internal EventFd Signal(int station) => _signals[station];

    private byte* Entry(int station, int slot) => _base + TableBase + ((long)station * Slots + slot) * EntrySize;

    private static long Align(long value) => (value + 4095) & ~4095L;

    public void Dispose()
    {
        foreach (var s in _signals)
            s.Dispose();
        _region.Dispose();
    }
}
