namespace IsmSpec.VirtioIsm.Driver;

/// <summary>How an update event reached the driver.</summary>
public enum IsmUpdateSource
{
    /// <summary>A virtio_ism_event message on the eventq (VIRTIO_ISM_F_EVENT_VQ).</summary>
    EventQueue,
    /// <summary>The region's interrupt vector fired (VIRTIO_ISM_F_EVENT_IRQ).</summary>
    Vector,
}

/// <summary>A peer notified that a region changed (draft "Events"). <see cref="Region"/> is null for an offset this driver no longer maps.</summary>
public readonly record struct IsmUpdate(ulong Offset, IsmRegion? Region, IsmUpdateSource Source);
