using IsmSpec.Specs.VirtioIsm;

namespace IsmSpec.VirtioIsm.Driver;

/// <summary>
/// A region this driver allocated or attached: its token (to hand to a peer), its offset in the REGIONS memory, and
/// views of its first <see cref="Size"/> bytes (draft statement 18, VISM-ALLOC-DRV-BOUNDS: the driver touches only
/// offset .. offset + size - 1). <see cref="Notify"/> kicks the peer through the region's notify address.
/// </summary>
public sealed class IsmRegion
{
    private readonly VirtioIsmDriver _driver;

    internal IsmRegion(VirtioIsmDriver driver, ulong token, ulong offset, ulong size, bool allocated)
    {
        _driver = driver;
        Token = token;
        Offset = offset;
        Size = size;
        Allocated = allocated;
        Memory = driver.Port.MapRegions(offset, size, writable: true);
        ReadOnlyMemory = driver.Port.MapRegions(offset, size, writable: false);
    }

    /// <summary>The token peers attach with (0 for a region attached by token: the driver keeps what it was given).</summary>
    public ulong Token { get; }
    public ulong Offset { get; }
    public ulong Size { get; }
    /// <summary>True when this driver allocated the region, false when it attached it.</summary>
    public bool Allocated { get; }
    public bool Detached { get; internal set; }
    /// <summary>The interrupt vector bound with EVENT_VECTOR, or -1.</summary>
    public int Vector { get; internal set; } = -1;

    /// <summary>Writable view; each access needs a live reference with WRITE (else UnauthorizedAccessException).</summary>
    public Memory<byte> Memory { get; }

    /// <summary>Read-only view; each access needs a live reference with READ.</summary>
    public ReadOnlyMemory<byte> ReadOnlyMemory { get; }

    /// <summary>Tells the peer the region changed: a non-zero byte at the notify address, then the doorbell.</summary>
    public void Notify() => _driver.NotifyRegion(this);

    public Task<IsmResult> DetachAsync() => _driver.DetachAsync(this);

    public Task<IsmResult> GrantAsync(ulong peerDevid, VirtioIsmPerm permissions) => _driver.GrantAsync(this, peerDevid, permissions);

    public override string ToString() => $"region 0x{Offset:X} ({Size} bytes, token 0x{Token:X16})";
}
