using System.Buffers.Binary;
using IsmSpec.Specs.Dibs;

namespace IsmSpec.VirtioIsm.Dibs;

/// <summary>
/// The DIBS identity of a virtio-ism device (IsmSpec's choice; the draft names no DIBS mapping). GID: bytes 0..7 =
/// the host gid, bytes 8..15 = the devid, both big-endian — exactly SMC-D's {gid, gid_ext} pair written as two
/// big-endian u64 (research §2.7, rule 79), so an SMC-Dv2.1 peer reads gid = host gid, gid_ext = devid. Fabric id:
/// 0xFF00 + host gid mod 255, inside the virtio-ism CHID range 0xFF00..0xFFFE (rule 78, virtio-ism research §2.4):
/// every device of one host reports the same id; other hosts usually differ (equal ids only mean "might reach", rule 12).
/// </summary>
public static class VirtioIsmDibsGid
{
    /// <summary>First fabric id of the range SMC reserves for virtio-ism (rule 78).</summary>
    public const ushort FirstFabricId = 0xFF00;

    /// <summary>Last fabric id of the range (0xFFFF is loopback).</summary>
    public const ushort LastFabricId = 0xFFFE;

    /// <summary>The 16-byte DIBS GID of device <paramref name="devid"/> on the host with <paramref name="hostGid"/>.</summary>
    public static byte[] Create(ulong hostGid, ulong devid)
    {
        var gid = new byte[DibsSpec.DibsGidLen];
        BinaryPrimitives.WriteUInt64BigEndian(gid, hostGid);
        BinaryPrimitives.WriteUInt64BigEndian(gid.AsSpan(8), devid);
        return gid;
    }

    /// <summary>Splits a DIBS GID into host gid and devid; false unless it is 16 bytes with both parts non-zero.</summary>
    public static bool TryParse(ReadOnlySpan<byte> gid, out ulong hostGid, out ulong devid)
    {
        hostGid = devid = 0;
        if (gid.Length != DibsSpec.DibsGidLen)
            return false;
        hostGid = BinaryPrimitives.ReadUInt64BigEndian(gid);
        devid = BinaryPrimitives.ReadUInt64BigEndian(gid[8..]);
        return hostGid != 0 && devid != 0;
    }

    /// <summary>get_fabric_id of every device of the host with <paramref name="hostGid"/>: 0xFF00..0xFFFE.</summary>
    public static ushort FabricId(ulong hostGid) => (ushort)(FirstFabricId + hostGid % 255);
}
