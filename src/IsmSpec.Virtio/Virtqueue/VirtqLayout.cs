using IsmSpec.Specs.Virtio;
using IsmSpec.Virtio.Memory;

namespace IsmSpec.Virtio.Virtqueue;

/// <summary>
/// Where the three parts of one split virtqueue live in guest memory (virtio 1.x §2.7 Split Virtqueues,
/// §2.7.2 Legacy Interfaces: Virtqueue Layout). The available and used rings are placed piecewise from the generated
/// header/element/trailer structs: header at 0, element i at header size + i * element size, the EVENT_IDX trailer
/// after the last element (see spec/virtio/split-ring.ism).
/// </summary>
public readonly record struct VirtqLayout(ushort QueueSize, ulong DescTable, ulong AvailRing, ulong UsedRing)
{
    /// <summary>True for a power of two between 1 and 32768 (virtio 1.x §2.7 "Queue Size"; VIRTQ-SIZE-POW2).</summary>
    public static bool IsValidQueueSize(int size) => size is > 0 and <= VirtioSpec.VirtqMaxSize && (size & (size - 1)) == 0;

    public int DescTableBytes => QueueSize * VirtqDesc.Size;
    public int AvailRingBytes => VirtqAvail.Size + QueueSize * VirtqAvailElem.Size + VirtqAvailTrailer.Size;
    public int UsedRingBytes => VirtqUsed.Size + QueueSize * VirtqUsedElem.Size + VirtqUsedTrailer.Size;

    /// <summary>Ring slot of a free-running 16-bit index (VIRTQ-IDX-FREE-RUNNING).</summary>
    public int Slot(ushort idx) => idx & (QueueSize - 1);

    public ulong DescAddress(int index) => DescTable + (ulong)(index * VirtqDesc.Size);
    public ulong AvailElemAddress(int slot) => AvailRing + VirtqAvail.Size + (ulong)(slot * VirtqAvailElem.Size);
    /// <summary>virtq_avail_trailer.used_event (only meaningful with VIRTIO_F_EVENT_IDX).</summary>
    public ulong UsedEventAddress => AvailRing + VirtqAvail.Size + (ulong)(QueueSize * VirtqAvailElem.Size);
    public ulong UsedElemAddress(int slot) => UsedRing + VirtqUsed.Size + (ulong)(slot * VirtqUsedElem.Size);
    /// <summary>virtq_used_trailer.avail_event (only meaningful with VIRTIO_F_EVENT_IDX).</summary>
    public ulong AvailEventAddress => UsedRing + VirtqUsed.Size + (ulong)(QueueSize * VirtqUsedElem.Size);

    /// <summary>Checks queue size and part alignment (virtio 1.x §2.7.1 Driver Requirements: Virtqueues; VIRTQ-PART-ALIGN).</summary>
    public bool IsWellFormed =>
        IsValidQueueSize(QueueSize)
        && DescTable % VirtioSpec.VirtqDescAlign == 0
        && AvailRing % VirtioSpec.VirtqAvailAlign == 0
        && UsedRing % VirtioSpec.VirtqUsedAlign == 0;

    /// <summary>True when every part lies inside <paramref name="memory"/>.</summary>
    public bool FitsIn(IGuestMemory memory) =>
        memory.TryGetSpan(DescTable, (uint)DescTableBytes, out _)
        && memory.TryGetSpan(AvailRing, (uint)AvailRingBytes, out _)
        && memory.TryGetSpan(UsedRing, (uint)UsedRingBytes, out _);

    /// <summary>Allocates the three parts, correctly aligned, from <paramref name="allocator"/> (driver side).</summary>
    public static VirtqLayout Allocate(GuestAllocator allocator, int queueSize)
    {
        if (!IsValidQueueSize(queueSize)) throw new ArgumentOutOfRangeException(nameof(queueSize), "queue size must be a power of two <= 32768");
        var probe = new VirtqLayout((ushort)queueSize, 0, 0, 0);
        ulong desc = allocator.Allocate((ulong)probe.DescTableBytes, VirtioSpec.VirtqDescAlign);
        ulong avail = allocator.Allocate((ulong)probe.AvailRingBytes, VirtioSpec.VirtqAvailAlign);
        ulong used = allocator.Allocate((ulong)probe.UsedRingBytes, VirtioSpec.VirtqUsedAlign);
        return new VirtqLayout((ushort)queueSize, desc, avail, used);
    }
}
