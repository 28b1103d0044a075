using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IsmSpec.Codecs;

/// <summary>Helpers over any generated wire struct: byte views, equality, zero-copy views over memory.</summary>
public static class WireStruct
{
    /// <summary>The wire bytes of a value (a view, no copy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> AsBytes<T>(ref readonly T value) where T : unmanaged =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool BytesEqual<T>(ref readonly T left, ref readonly T right) where T : unmanaged =>
        AsBytes(in left).SequenceEqual(AsBytes(in right));

    public static int HashBytes<T>(ref readonly T value) where T : unmanaged
    {
        var hash = new HashCode();
        hash.AddBytes(AsBytes(in value));
        return hash.ToHashCode();
    }

    /// <summary>A writable view of <typeparamref name="T"/> over the start of <paramref name="memory"/> (e.g. shared memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T View<T>(Span<byte> memory) where T : unmanaged, IWireStruct<T>
    {
        if (memory.Length < T.WireSize) Wire.ThrowTooShort(T.SpecTypeName, T.WireSize, memory.Length);
        return ref MemoryMarshal.AsRef<T>(memory[..T.WireSize]);
    }

    /// <summary>A read-only view of <typeparamref name="T"/> over the start of <paramref name="memory"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref readonly T ReadOnlyView<T>(ReadOnlySpan<byte> memory) where T : unmanaged, IWireStruct<T>
    {
        if (memory.Length < T.WireSize) Wire.ThrowTooShort(T.SpecTypeName, T.WireSize, memory.Length);
        return ref MemoryMarshal.AsRef<T>(memory[..T.WireSize]);
    }

    /// <summary>Encodes into a new array (allocates; for tests and tools, not hot paths).</summary>
    public static byte[] ToArray<T>(in T value) where T : unmanaged, IWireStruct<T> => AsBytes(in value).ToArray();
}
