using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Generator.Emit
{
    /// <summary>How spec types map to C# storage and value types, and to byte-order conversion calls.</summary>
    internal static class TypeMap
    {
        /// <summary>The C# type that stores the field's wire bytes (unconverted).</summary>
        public static string Storage(TypeSymbol type) => type switch
        {
            PrimitiveType p when p.Primitive == PrimitiveKind.Uuid => "byte",
            PrimitiveType p => p.ClrType,
            EnumType e => e.Underlying.ClrType,
            BitfieldType b => b.CSharpName,
            _ => type.CSharpName,
        };

        /// <summary>The C# type a user reads and writes.</summary>
        public static string Value(TypeSymbol type) => type switch
        {
            PrimitiveType p => p.ClrType,
            _ => type.CSharpName,
        };

        /// <summary>The conversion between stored and value form of an integer ("" when none is needed).</summary>
        public static string Convert(PrimitiveType p) => p.ByteOrder switch
        {
            ByteOrder.Little when p.Size > 1 => "Wire.Le",
            ByteOrder.Big when p.Size > 1 => "Wire.Be",
            _ => "",
        };

        public static string Apply(PrimitiveType p, string expression)
        {
            var convert = Convert(p);
            return convert.Length == 0 ? expression : convert + "(" + expression + ")";
        }

        public static PrimitiveType? IntegerOf(TypeSymbol type) => type switch
        {
            PrimitiveType p when p.IsInteger => p,
            EnumType e => e.Underlying,
            _ => null,
        };

        public static string EndianWord(ByteOrder order) => order switch
        {
            ByteOrder.Little => "little-endian",
            ByteOrder.Big => "big-endian",
            ByteOrder.Host => "host byte order",
            _ => "bytes",
        };

        /// <summary>Smallest unsigned C# integer holding <paramref name="bits"/> bits.</summary>
        public static string UnsignedFor(int bits) => bits <= 8 ? "byte" : bits <= 16 ? "ushort" : bits <= 32 ? "uint" : "ulong";

        public static string OpType(OpType t, string? opaquePrefix = "T") => t.Kind switch
        {
            OpTypeKind.Void => "void",
            OpTypeKind.Errno => "int",
            OpTypeKind.Bool => "bool",
            OpTypeKind.Integer => t.Signed ? "int" : UnsignedFor(t.IntegerBits),
            OpTypeKind.Uuid => "ReadOnlySpan<byte>",
            OpTypeKind.Bytes => "ReadOnlySpan<byte>",
            OpTypeKind.Span => "Span<byte>",
            OpTypeKind.Struct => t.Struct!.CSharpName,
            _ => opaquePrefix + Naming.ToPascal(t.SpecName),
        };
    }
}
