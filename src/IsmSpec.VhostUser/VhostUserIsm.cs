using System.Buffers.Binary;
using System.Text;

namespace IsmSpec.VhostUser;

/// <summary>
/// How IsmSpec carries virtio-ism over vhost-user (back-end decisions listed in src/IsmSpec.VhostUser/README.md, "virtio-ism over vhost-user"): ring 0 is
/// the controlq, ring 1 the eventq, ring 2 + v stands for interrupt vector v (only SET_VRING_CALL is meaningful on it);
/// REGIONS (shmid 1) and NOTIFY (shmid 2) reach the front-end through the proposed SHMEM extension, REGIONS mapped
/// region by region with the device's current rights; plus a toolkit-private host control used by the conformance
/// adapter (request ids outside the vhost-user range, honoured only when the back-end allows it).
/// </summary>
public static class VhostUserIsm
{
    /// <summary>Ring index of interrupt vector 0; vector v is ring <c>FirstVectorRing + v</c>.</summary>
    public const int FirstVectorRing = 2;

    /// <summary>shmid of the REGIONS and NOTIFY memory (virtio-ism draft "Shared memory regions").</summary>
    public const byte RegionsShmid = 1, NotifyShmid = 2;

    /// <summary>Private SHMEM_MAP flag: the device grants WRITE without READ (the standard flags say only RO or RW).</summary>
    public const ulong MmapNoRead = 1UL << 1;

    /// <summary>Private request: re-create the served host (payload <see cref="WriteHostReset"/>, reply <see cref="HostInfo"/>).</summary>
    public const uint HostResetRequest = 0x49534D01;

    /// <summary>Private request: wait until the device with the given devid is unplugged and released (payload u64 devid, reply u64 0 = gone).</summary>
    public const uint DeviceGoneRequest = 0x49534D02;

    public const int HostResetSize = 64, HostInfoSize = 24;
    private const int NameBytes = 56;

    /// <summary>HOST_RESET payload: u64 memory budget in regions (0 = none), then the host name (UTF-8, NUL padded, ≤ 56 bytes).</summary>
    public static byte[] WriteHostReset(string hostName, int? memoryRegions)
    {
        var payload = new byte[HostResetSize];
        BinaryPrimitives.WriteUInt64LittleEndian(payload, (ulong)(memoryRegions ?? 0));
        byte[] name = Encoding.UTF8.GetBytes(hostName);
        if (name.Length > NameBytes) throw new ArgumentException($"host names are at most {NameBytes} UTF-8 bytes", nameof(hostName));
        name.CopyTo(payload, 8);
        return payload;
    }

    public static bool TryReadHostReset(ReadOnlySpan<byte> payload, out string hostName, out int? memoryRegions)
    {
        hostName = "";
        memoryRegions = null;
        if (payload.Length != HostResetSize) return false;
        ulong regions = BinaryPrimitives.ReadUInt64LittleEndian(payload);
        var name = payload.Slice(8, NameBytes);
        int end = name.IndexOf((byte)0);
        if (regions > int.MaxValue) return false;
        try { hostName = new UTF8Encoding(false, true).GetString(end < 0 ? name : name[..end]); }
        catch (ArgumentException) { return false; }
        memoryRegions = regions == 0 ? null : (int)regions;
        return hostName.Length > 0;
    }
}

/// <summary>What the served host is configured with (HOST_RESET reply): what a conformance adapter reports about it.</summary>
public readonly record struct HostInfo(int RegionCount, int MaxReferencesPerDevice, int VectorCount, int MaxGrantEntries, ulong RegionSize)
{
    public byte[] ToBytes()
    {
        var b = new byte[VhostUserIsm.HostInfoSize];
        BinaryPrimitives.WriteInt32LittleEndian(b, RegionCount);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), MaxReferencesPerDevice);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(8), VectorCount);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(12), MaxGrantEntries);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), RegionSize);
        return b;
    }

    public static bool TryRead(ReadOnlySpan<byte> b, out HostInfo info)
    {
        info = default;
        if (b.Length != VhostUserIsm.HostInfoSize) return false;
        info = new HostInfo(BinaryPrimitives.ReadInt32LittleEndian(b), BinaryPrimitives.ReadInt32LittleEndian(b[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(b[8..]), BinaryPrimitives.ReadInt32LittleEndian(b[12..]), BinaryPrimitives.ReadUInt64LittleEndian(b[16..]));
        return true;
    }
}
