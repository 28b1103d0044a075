using IsmSpec.Specs.Smc;

namespace IsmSpec.Smc;

/// <summary>Per-connection settings of the SMC-D-style stream.</summary>
public sealed record SmcdStreamOptions
{
    /// <summary>Smallest DMB the stream accepts: the 32-byte CDC header and a 32-byte ring (IsmSpec's limit, for tests).</summary>
    public const uint MinDmbSize = 64;

    /// <summary>Largest DMB: SMC-D's 1 MiB (SMC-DMB-SIZES).</summary>
    public const uint MaxDmbSize = SmcSpec.SmcdDmbeMaxSize;

    /// <summary>
    /// Size of the receive DMB including its 32-byte CDC header; the ring is 32 bytes smaller. Defaults to
    /// SMC-D's smallest size, 16 KiB. Any size from 64 bytes to 1 MiB is accepted (SMC-STREAM-DMB-SIZE);
    /// SMC-D itself only uses 16 KiB·2^k (SMC-DMB-SIZES).
    /// </summary>
    public uint DmbSize { get; init; } = SmcSpec.SmcdDmbeMinSize;

    internal static bool IsValidSize(uint size) => size is >= MinDmbSize and <= MaxDmbSize;
}
