using System.Runtime.CompilerServices;

namespace IsmSpec.Codecs.Tests.Support;

/// <summary>Layout assertions that go through the generated API: a setter's bytes show where the field lies.</summary>
internal static class Layout
{
    /// <summary>Setting the field (to all ones) on a zeroed value changes exactly bytes offset..offset+length-1.</summary>
    public static void Field<T>(int offset, int length, RefAction<T> set, [CallerArgumentExpression(nameof(set))] string? field = null)
        where T : unmanaged
    {
        var (actualOffset, actualLength) = Bytes.Changed(set);
        Assert.True(actualOffset == offset && actualLength == length,
            $"{typeof(T).Name}: {field} wrote bytes {actualOffset}..+{actualLength}, expected {offset}..+{length}");
    }

    /// <summary>The Size constant, WireSize and Unsafe.SizeOf agree with the expected size.</summary>
    public static void Size<T>(int expected) where T : unmanaged, IWireStruct<T>
    {
        Assert.Equal(expected, T.WireSize);
        Assert.Equal(expected, Unsafe.SizeOf<T>());
        Assert.Equal(expected, WireTypeCatalog.SizeConstant(typeof(T)));
    }
}
