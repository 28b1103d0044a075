namespace IsmSpec.Generator.Emit
{
    /// <summary>The codec members every wire type shares: TryRead, TryWrite, views, equality.</summary>
    internal static class CodecMembers
    {
        public static void Emit(CodeWriter w, string name, int size)
        {
            if (size == 0)
            {
                w.Line("/// <summary>An empty payload: always reads and writes successfully.</summary>");
                w.Line($"public static bool TryRead(ReadOnlySpan<byte> source, out {name} value) {{ value = default; return true; }}");
                w.Line("public readonly bool TryWrite(Span<byte> destination) => true;");
            }
            else
            {
                w.Line("/// <summary>Copies the wire image from <paramref name=\"source\"/>; false (no throw) when it is shorter than Size.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                w.Open($"public static bool TryRead(ReadOnlySpan<byte> source, out {name} value)");
                w.Line("if (source.Length < Size) { value = default; return false; }");
                w.Line($"value = MemoryMarshal.Read<{name}>(source);");
                w.Line("return true;");
                w.Close();
                w.Line("/// <summary>Copies the wire image to <paramref name=\"destination\"/>; false (nothing written) when it is shorter than Size.</summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                w.Open("public readonly bool TryWrite(Span<byte> destination)");
                w.Line("if (destination.Length < Size) return false;");
                w.Line("MemoryMarshal.Write(destination, in this);");
                w.Line("return true;");
                w.Close();
                w.Line("/// <summary>A zero-copy writable view over the start of <paramref name=\"memory\"/> (e.g. shared memory).</summary>");
                w.Line($"public static ref {name} View(Span<byte> memory) => ref WireStruct.View<{name}>(memory);");
                w.Line("/// <summary>A zero-copy read-only view over the start of <paramref name=\"memory\"/>.</summary>");
                w.Line($"public static ref readonly {name} ReadOnlyView(ReadOnlySpan<byte> memory) => ref WireStruct.ReadOnlyView<{name}>(memory);");
            }
            w.Line($"public readonly bool Equals({name} other) => WireStruct.BytesEqual(in this, in other);");
            w.Line($"public override readonly bool Equals(object? obj) => obj is {name} other && Equals(other);");
            w.Line("public override readonly int GetHashCode() => WireStruct.HashBytes(in this);");
            w.Line($"public static bool operator ==({name} left, {name} right) => left.Equals(right);");
            w.Line($"public static bool operator !=({name} left, {name} right) => !left.Equals(right);");
        }
    }
}
