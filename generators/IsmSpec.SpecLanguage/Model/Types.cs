using System.Collections.Generic;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Model
{
    public enum ByteOrder { None, Little, Big, Host }

    public enum TypeKind { Primitive, Enum, Flags, Bitfield, Struct, Union }

    /// <summary>A type with a fixed wire size.</summary>
    public abstract class TypeSymbol : Symbol
    {
        protected TypeSymbol(string name, SourceSpan span, string? doc) : base(name, span, doc) { }
        public abstract TypeKind Kind { get; }
        /// <summary>Wire size in bytes (for a struct with a tail: the fixed part).</summary>
        public abstract int Size { get; }
        /// <summary>The spec the type was declared in (null for built-in primitives).</summary>
        public SpecModel? Spec { get; internal set; }
    }

    public enum PrimitiveKind { U8, Le16, Le32, Le64, Be16, Be32, Be64, H16, H32, H64, Uuid }

    /// <summary>A built-in wire type.</summary>
    public sealed class PrimitiveType : TypeSymbol
    {
        private PrimitiveType(string name, PrimitiveKind primitive, int size, ByteOrder order)
            : base(name, default, null) { Primitive = primitive; _size = size; ByteOrder = order; }

        private readonly int _size;
        public PrimitiveKind Primitive { get; }
        public ByteOrder ByteOrder { get; }
        public override TypeKind Kind => TypeKind.Primitive;
        public override int Size => _size;
        public bool IsInteger => Primitive != PrimitiveKind.Uuid;
        public int Bits => _size * 8;
        public ulong MaxValue => _size >= 8 ? ulong.MaxValue : (1UL << (_size * 8)) - 1;

        /// <summary>The C# type of the value (not the storage).</summary>
        public string ClrType => _size switch { 1 => "byte", 2 => "ushort", 4 => "uint", 8 => "ulong", _ => "byte" };

        public static readonly PrimitiveType U8 = new PrimitiveType("u8", PrimitiveKind.U8, 1, ByteOrder.None);
        public static readonly PrimitiveType Le16 = new PrimitiveType("le16", PrimitiveKind.Le16, 2, ByteOrder.Little);
        public static readonly PrimitiveType Le32 = new PrimitiveType("le32", PrimitiveKind.Le32, 4, ByteOrder.Little);
        public static readonly PrimitiveType Le64 = new PrimitiveType("le64", PrimitiveKind.Le64, 8, ByteOrder.Little);
        public static readonly PrimitiveType Be16 = new PrimitiveType("be16", PrimitiveKind.Be16, 2, ByteOrder.Big);
        public static readonly PrimitiveType Be32 = new PrimitiveType("be32", PrimitiveKind.Be32, 4, ByteOrder.Big);
        public static readonly PrimitiveType Be64 = new PrimitiveType("be64", PrimitiveKind.Be64, 8, ByteOrder.Big);
        public static readonly PrimitiveType H16 = new PrimitiveType("h16", PrimitiveKind.H16, 2, ByteOrder.Host);
        public static readonly PrimitiveType H32 = new PrimitiveType("h32", PrimitiveKind.H32, 4, ByteOrder.Host);
        public static readonly PrimitiveType H64 = new PrimitiveType("h64", PrimitiveKind.H64, 8, ByteOrder.Host);
        public static readonly PrimitiveType Uuid = new PrimitiveType("uuid", PrimitiveKind.Uuid, 16, ByteOrder.None);

        public static readonly IReadOnlyList<PrimitiveType> All = new[] { U8, Le16, Le32, Le64, Be16, Be32, Be64, H16, H32, H64, Uuid };

        public static PrimitiveType? Find(string name)
        {
            foreach (var p in All) if (p.Name == name) return p;
            return null;
        }
    }

    public sealed class EnumMember : Symbol
    {
        public EnumMember(string name, SourceSpan span, ulong value, string? doc) : base(name, span, doc) { Value = value; }
        public ulong Value { get; }
    }

    /// <summary>An enum or a flag set with an explicit wire type.</summary>
    public sealed class EnumType : TypeSymbol
    {
        public EnumType(string name, SourceSpan span, string? doc, bool isFlags, PrimitiveType underlying, IReadOnlyList<EnumMember> members)
            : base(name, span, doc) { IsFlags = isFlags; Underlying = underlying; Members = members; }
        public bool IsFlags { get; }
        public PrimitiveType Underlying { get; }
        public IReadOnlyList<EnumMember> Members { get; }
        public override TypeKind Kind => IsFlags ? TypeKind.Flags : TypeKind.Enum;
        public override int Size => Underlying.Size;

        public EnumMember? FindMember(string name)
        {
            foreach (var m in Members) if (m.Name == name) return m;
            return null;
        }
    }

    public sealed class BitMember : Symbol
    {
        public BitMember(string name, SourceSpan span, string? doc, int low, int high, bool reserved, EnumType? asEnum)
            : base(name, span, doc) { Low = low; High = high; IsReserved = reserved; AsEnum = asEnum; }
        /// <summary>Least significant bit of the range (bit 0 = value 1).</summary>
        public int Low { get; }
        public int High { get; }
        public int Width => High - Low + 1;
        public bool IsReserved { get; }
        public EnumType? AsEnum { get; }
        public ulong Mask => (Width >= 64 ? ulong.MaxValue : (1UL << Width) - 1) << Low;
    }

    /// <summary>Named bit ranges inside one integer of a given byte order.</summary>
    public sealed class BitfieldType : TypeSymbol
    {
        public BitfieldType(string name, SourceSpan span, string? doc, PrimitiveType underlying, IReadOnlyList<BitMember> members)
            : base(name, span, doc) { Underlying = underlying; Members = members; }
        public PrimitiveType Underlying { get; }
        public IReadOnlyList<BitMember> Members { get; }
        public override TypeKind Kind => TypeKind.Bitfield;
        public override int Size => Underlying.Size;

        public ulong ReservedMask
        {
            get
            {
                ulong m = 0;
                foreach (var b in Members) if (b.IsReserved) m |= b.Mask;
                return m;
            }
        }
    }
}
