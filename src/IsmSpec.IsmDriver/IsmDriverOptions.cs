namespace IsmSpec.IsmDriver;

/// <summary>What the PCI layer would tell ism_probe, plus the emulation's memory budget.</summary>
public sealed class IsmDriverOptions
{
    /// <summary>zPCI UID of the function; the device is named "ism" + its hex value (rule 66).</summary>
    public uint Uid { get; init; }

    /// <summary>zPCI FID; used for the name when <see cref="Uid"/> is 0 (rule 66).</summary>
    public uint Fid { get; init; }

    /// <summary>
    /// Bytes of host memory the driver reserves at probe for its page allocator (SBA page, IEQ page and DMB
    /// buffers). <see cref="S390Ism.IsmHostMemory"/> only hands out memory, so the driver manages its own pages.
    /// </summary>
    public int PoolBytes { get; init; } = 4 << 20;

    /// <summary>Lifecycle steps that are not device commands ("request_irq", "free_irq", "free_areas"), for tracing (rule 65).</summary>
    public Action<string>? Trace { get; init; }
}
