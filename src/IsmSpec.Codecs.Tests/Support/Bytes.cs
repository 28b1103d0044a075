using System.Runtime.InteropServices;

namespace IsmSpec.Codecs.Tests.Support;

/// <summary>A setter applied to a value in place (lambdas cannot take ref parameters through Action).</summary>
internal delegate void RefAction<T>(ref T value);

internal static class Bytes
{
    /// <summary>Parses hex written by hand: "0a 00 00 00", spaces and line breaks ignored.</summary>
    public static byte[] Hex(string text) =>
        Convert.FromHexString(string.Concat(text.Where(c => !char.IsWhiteSpace(c))));

    /// <summary>The wire image of a value.</summary>
    public static byte[] Of<T>(in T value) where T : unmanaged => WireStruct.AsBytes(in value).ToArray();

    /// <summary>Where a setter changes a zeroed value: offset of the first and count up to the last changed byte.</summary>
    public static (int Offset, int Length) Changed<T>(RefAction<T> set) where T : unmanaged
    {
        T value = default;
        set(ref value);
        var bytes = WireStruct.AsBytes(in value);
        int first = bytes.IndexOfAnyExcept((byte)0);
        int last = bytes.LastIndexOfAnyExcept((byte)0);
        return first < 0 ? (-1, 0) : (first, last - first + 1);
    }

    /// <summary>
    /// Vectors for host-order (hostorder) structs are written for a little-endian host; on a big-endian host
    /// the listed multi-byte fields are reversed.
    /// </summary>
    public static byte[] HostOrder(byte[] littleEndianImage, params (int Offset, int Length)[] fields)
    {
        var copy = (byte[])littleEndianImage.Clone();
        if (!BitConverter.IsLittleEndian)
            foreach (var (offset, length) in fields) copy.AsSpan(offset, length).Reverse();
        return copy;
    }

    public static T Read<T>(byte[] image) where T : unmanaged => MemoryMarshal.Read<T>(image);
}
