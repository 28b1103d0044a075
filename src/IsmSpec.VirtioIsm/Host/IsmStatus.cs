namespace IsmSpec.VirtioIsm.Host;

/// <summary>
/// Why the region manager refused an operation. On the version-1 wire every refusal is ack ERR (decision
/// VISM-DEC-ACK-VALUES: the first draft has one error value); version 2 maps the reasons to its errno-like acks
/// (VISM2-DEC-ACK-MAP, <c>Device.ChunkAreaAcks</c>). The reason is kept for diagnostics (<c>VirtioIsmDevice.LastStatus</c>).
/// </summary>
public enum IsmStatus
{
    Ok = 0,
    /// <summary>ALLOC: size larger than region_size (draft statement 16).</summary>
    TooLarge,
    /// <summary>No free slot in the REGIONS space, or the device's window is full (statements 13, 19).</summary>
    NoSpace,
    /// <summary>The host memory budget is used up (statement 14).</summary>
    NoMemory,
    /// <summary>ATTACH: no region has this token (statement 20).</summary>
    UnknownToken,
    /// <summary>DETACH/GRANT/EVENT_VECTOR: this device holds no reference at this offset (statements 22, 25).</summary>
    UnknownOffset,
    /// <summary>ATTACH: the region is already shared by two other guests (statement 21).</summary>
    Exclusive,
    /// <summary>ATTACH: the device already references the region (VISM-DEC-ATTACH-TWICE).</summary>
    AlreadyAttached,
    /// <summary>The device lacks the right (ATTACH for attach, MANAGE for grant; statement 26).</summary>
    NotPermitted,
    /// <summary>A field holds a value the device does not accept (unknown permission bits, vector out of range).</summary>
    BadArgument,
    /// <summary>The command needs a feature that was not negotiated (EVENT_VECTOR without EVENT_IRQ).</summary>
    FeatureNotNegotiated,
    /// <summary>The region's per-device permission table is full.</summary>
    TableFull,
    /// <summary>Version 2 ATTACH: rw_perm asks for READ but the device's rights lack it (ack PERM_EREAD).</summary>
    NoReadRight,
    /// <summary>Version 2 ATTACH: rw_perm asks for WRITE but the device's rights lack it (ack PERM_EWRITE).</summary>
    NoWriteRight,
    /// <summary>Version 2 ALLOC/ATTACH: the driver's reply buffer cannot hold the area list; nothing was changed.</summary>
    ReplyTooSmall,
}
