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

    /// <summary>Longest busy poll IsmSpec accepts (a poll keeps a core busy).</summary>
    public static readonly TimeSpan MaxBusyPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a reader (or a writer facing a full ring) polls its own DMB's CDC message before it blocks until
    /// handle_irq, like Linux's SO_BUSY_POLL. Zero (the default) blocks at once: every wake-up then comes from the
    /// device's signal. Polling trades a busy core for not waiting on the signal path (bench/README.md, stream).
    /// At most <see cref="MaxBusyPoll"/>.
    /// </summary>
    public TimeSpan BusyPoll { get; init; }

    internal static void ThrowIfInvalidBusyPoll(TimeSpan poll, string paramName)
    {
        if (poll < TimeSpan.Zero || poll > MaxBusyPoll)
            throw new ArgumentOutOfRangeException(paramName, poll, $"BusyPoll must be 0..{MaxBusyPoll.TotalMilliseconds} ms");
    }

    internal static bool IsValidSize(uint size) => size is >= MinDmbSize and <= MaxDmbSize;
}
