using IsmSpec.Specs.Dibs;
using IsmSpec.Specs.Smc;

namespace IsmSpec.Smc;

/// <summary>
/// SMC's {gid, gid_ext} pair and the 16-byte DIBS GID (rule 79; smc_ism.h copy_to_dibsgid/copy_to_smcdgid,
/// research §2.7): bytes 0..7 are gid big-endian, bytes 8..15 gid_ext big-endian (the generated <see cref="SmcdDibsGid"/>).
/// </summary>
public static class SmcdGid
{
    /// <summary>copy_to_dibsgid.</summary>
    public static byte[] ToDibsGid(ulong gid, ulong gidExt)
    {
        var image = new SmcdDibsGid { Gid = gid, GidExt = gidExt };
        var bytes = new byte[DibsSpec.DibsGidLen];
        image.TryWrite(bytes);
        return bytes;
    }

    /// <summary>copy_to_smcdgid.</summary>
    public static (ulong Gid, ulong GidExt) FromDibsGid(ReadOnlySpan<byte> dibsGid)
    {
        if (dibsGid.Length != DibsSpec.DibsGidLen || !SmcdDibsGid.TryRead(dibsGid, out var image))
            throw new ArgumentException($"a DIBS GID is {DibsSpec.DibsGidLen} bytes", nameof(dibsGid));
        return (image.Gid, image.GidExt);
    }
}
