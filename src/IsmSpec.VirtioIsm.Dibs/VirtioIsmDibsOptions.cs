namespace IsmSpec.VirtioIsm.Dibs;

/// <summary>Settings of a <see cref="VirtioIsmDibsDevice"/>.</summary>
public sealed record VirtioIsmDibsOptions
{
    /// <summary>
    /// max_dmbs(): SMC-D over virtio-ism allows at most 1920 DMBs per device (virtio-ism research §2.4, the same
    /// number as ISM, rule 14). The DMBs a device can really hold are fewer when the host runs out of region slots or
    /// the device's REGIONS window is full; register_dmb then answers -ENOSPC.
    /// </summary>
    public int MaxDmbs { get; init; } = VirtioIsmDibsDevice.DefaultMaxDmbs;

    /// <summary>Device name; default "vism" plus the devid in hex.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Designated writer (research §2.1): when a DMB's rgid names another device of the same host, register_dmb
    /// GRANTs that devid READ|WRITE|ATTACH with DENY_OTHER, so no third guest can attach (and write) the DMB.
    /// </summary>
    public bool RestrictToRgid { get; init; } = true;
}
