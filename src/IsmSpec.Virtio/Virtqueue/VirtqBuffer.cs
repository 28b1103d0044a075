namespace IsmSpec.Virtio.Virtqueue;

/// <summary>One buffer of a descriptor chain: a guest address range (virtio 1.x §2.7.5 The Virtqueue Descriptor Table).</summary>
public readonly record struct VirtqBuffer(ulong Address, uint Length);

/// <summary>
/// A chain the device took from the available ring (virtio 1.x §2.7.6): its head index and how many of the
/// segments in <see cref="VirtqDevice.Segments"/> are device-readable (first) and device-writable (after them).
/// </summary>
public readonly record struct VirtqChain(ushort Head, int ReadableCount, int WritableCount, ulong ReadableBytes, ulong WritableBytes, long Sequence);

/// <summary>Why the device half stopped trusting a queue; any value but None put the device in DEVICE_NEEDS_RESET.</summary>
public enum VirtqFault
{
    None = 0,
    /// <summary>A ring part or the descriptor table does not lie inside guest memory.</summary>
    RingOutOfBounds,
    /// <summary>avail idx moved more than queue-size entries ahead of what the device consumed.</summary>
    AvailIdxOutOfRange,
    /// <summary>A head or next index is not below the queue size (or the indirect table's entry count).</summary>
    DescIndexOutOfRange,
    /// <summary>A chain visits more descriptors than the queue (or indirect table) holds: a loop.</summary>
    ChainLoop,
    /// <summary>A chain has more segments than the device accepts, or more than 2^32 bytes (VIRTQ-CHAIN-LIMITS).</summary>
    ChainTooLong,
    /// <summary>A buffer's address + length lies outside guest memory.</summary>
    BufferOutOfBounds,
    /// <summary>A device-readable buffer follows a device-writable one (virtio 1.x §2.7.4.2).</summary>
    ReadableAfterWritable,
    /// <summary>INDIRECT used without VIRTIO_F_INDIRECT_DESC (VIRTQ-INDIRECT-NEEDS-FEATURE).</summary>
    IndirectNotNegotiated,
    /// <summary>INDIRECT combined with NEXT (VIRTQ-INDIRECT-NO-NEXT).</summary>
    IndirectWithNext,
    /// <summary>INDIRECT inside an indirect table (VIRTQ-INDIRECT-NO-NESTING).</summary>
    NestedIndirect,
    /// <summary>An indirect table whose length is zero or not a multiple of 16.</summary>
    BadIndirectLength,
    /// <summary>A head the device is still processing was made available again.</summary>
    HeadAlreadyInFlight,
}
