namespace IsmSpec.VirtioIsm.Host;

/// <summary>
/// The virtio-ism wire generation a device speaks, chosen per device instance (<see cref="IsmHost.CreateDevice"/>).
/// Both generations share the host's REGIONS space, region manager and permission model, so guests of either kind
/// live on one host; a token is only useful to a guest of the same generation in practice (VISM2-DEC-PROTOCOL).
/// </summary>
public enum IsmProtocol
{
    /// <summary>Spec <c>virtio-ism</c> version 1 (first draft, Gen-A): device id 43, region_size, offset-keyed commands.</summary>
    Region = 1,

    /// <summary>Spec <c>virtio-ism</c> version 2 (chunk/area, Gen-B): device id 44, chunk_size, token-keyed commands, area lists.</summary>
    ChunkArea = 2,
}
