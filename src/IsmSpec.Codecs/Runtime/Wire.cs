using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace IsmSpec.Codecs;

/// <summary>
/// Byte-order conversion between a wire field's stored bytes and its value. Each function is its own
/// inverse; the JIT folds <see cref="BitConverter.IsLittleEndian"/>, so a same-order field costs nothing.
/// </summary>
public static class Wire
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ushort Le(ushort v) => BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Le(uint v) => BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Le(ulong v) => BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ushort Be(ushort v) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint Be(uint v) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Be(ulong v) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v;

    /// <summary>Thrown by a bitfield setter given a value wider than the member.</summary>
    [DoesNotReturn]
    public static void ThrowBitfieldOverflow(string member, int width) =>
        throw new ArgumentOutOfRangeException(member, $"value does not fit in the {width} bits of '{member}'");

    [DoesNotReturn]
    public static void ThrowIndexOutOfRange(string field, int length) =>
        throw new ArgumentOutOfRangeException(field, $"index is outside 0..{length - 1} of '{field}'");

    [DoesNotReturn]
    public static void ThrowTooShort(string type, int needed, int actual) =>
        throw new ArgumentException($"{type} needs {needed} bytes, got {actual}");
}

/// <summary>Checks used by generated Validate() methods.</summary>
public static class WireValidation
{
    public static bool IsZero(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExcept((byte)0);
}
