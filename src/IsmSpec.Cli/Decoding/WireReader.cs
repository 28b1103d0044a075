using System.Buffers.Binary;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Decoding;

/// <summary>Reads unsigned integers of 1, 2, 4 or 8 bytes in a given byte order (host = this machine's).</summary>
internal static class WireReader
{
    public static ulong Read(ReadOnlySpan<byte> data, int offset, int size, ByteOrder order)
    {
        var bytes = data.Slice(offset, size);
        bool little = order switch
        {
            ByteOrder.Big => false,
            ByteOrder.Host => BitConverter.IsLittleEndian,
            _ => true,
        };
        return size switch
        {
            1 => bytes[0],
            2 => little ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes),
            4 => little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes),
            8 => little ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : BinaryPrimitives.ReadUInt64BigEndian(bytes),
            _ => throw new ArgumentOutOfRangeException(nameof(size), size, "integers are 1, 2, 4 or 8 bytes"),
        };
    }

    /// <summary>A uuid as stored, in the canonical 8-4-4-4-12 lower-case form.</summary>
    public static string Uuid(ReadOnlySpan<byte> data, int offset)
    {
        var hex = Convert.ToHexStringLower(data.Slice(offset, 16));
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }
}
