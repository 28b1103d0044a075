namespace IsmSpec.VirtioIsm.Driver;

/// <summary>What the reference driver asks for.</summary>
public sealed record VirtioIsmDriverOptions
{
    /// <summary>Accept VIRTIO_ISM_F_EVENT_VQ and run an eventq.</summary>
    public bool EventQueue { get; init; } = true;

    /// <summary>
    /// Interrupt vectors the driver uses for per-region events (VIRTIO_ISM_F_EVENT_IRQ); 0 = do not accept the feature.
    /// Region at slot s gets vector s % Vectors (draft statements 10, 11).
    /// </summary>
    public int Vectors { get; init; }

    /// <summary>Accept VIRTIO_F_EVENT_IDX when offered.</summary>
    public bool EventIdx { get; init; } = true;

    /// <summary>Entries of the controlq and of the eventq.</summary>
    public int QueueSize { get; init; } = 16;

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
