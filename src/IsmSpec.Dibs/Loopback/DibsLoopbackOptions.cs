namespace IsmSpec.Dibs.Loopback;

/// <summary>Test and embedding hooks of <see cref="DibsLoopback"/>; the defaults behave like the kernel.</summary>
public sealed class DibsLoopbackOptions
{
    /// <summary>Source of 64-bit tokens; default: <see cref="System.Security.Cryptography.RandomNumberGenerator"/> (get_random_bytes).</summary>
    public Func<ulong>? TokenSource { get; init; }

    /// <summary>
    /// Buffer allocator for register_dmb, given dmb_len; null (or a shorter array) means the allocation
    /// failed (-ENOMEM, rule 27). Default: a pinned, zeroed array with the DMB page-aligned inside it. The loopback zeroes whatever it gets (rule 18).
    /// </summary>
    public Func<int, byte[]?>? Allocator { get; init; }

    /// <summary>The device GID (16 bytes); default: a random version-4 UUID (uuid_gen, rule 41).</summary>
    public byte[]? Gid { get; init; }
}
