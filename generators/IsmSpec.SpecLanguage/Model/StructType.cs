using System.Collections.Generic;
using System.Linq;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecLanguage.Model
{
    /// <summary>A field of a struct at a computed offset.</summary>
    public sealed class FieldSymbol : Symbol
    {
        public FieldSymbol(string name, SourceSpan span, string? doc, TypeSymbol type, int offset, int arrayLength,
            FieldSymbol? countField, bool reserved, bool hostOnly, int? declaredOffset, int? align)
            : base(name, span, doc)
        {
            Type = type; Offset = offset; ArrayLength = arrayLength; CountField = countField;
            IsReserved = reserved; IsHostOnly = hostOnly; DeclaredOffset = declaredOffset; Align = align;
        }

        public TypeSymbol Type { get; }
        public int Offset { get; }
        /// <summary>0 for a scalar, N for a fixed array.</summary>
        public int ArrayLength { get; }
        /// <summary>Set for a variable-length tail: the earlier field holding the element count.</summary>
        public FieldSymbol? CountField { get; }
        public bool IsReserved { get; }
        public bool IsHostOnly { get; }
        public int? DeclaredOffset { get; }
        public int? Align { get; }

        public bool IsArray => ArrayLength > 0;
        public bool IsTail => CountField != null;
        public int ElementSize => Type.Size;
        /// <summary>Bytes in the fixed part (0 for a tail).</summary>
        public int Size => IsTail ? 0 : (IsArray ? ArrayLength * ElementSize : ElementSize);

        /// <summary>The byte order of the field's values (None for bytes, uuids and structs).</summary>
        public ByteOrder ByteOrder => Type switch
        {
            PrimitiveType p => p.ByteOrder,
            EnumType e => e.Underlying.ByteOrder,
            BitfieldType b => b.Underlying.ByteOrder,
            _ => ByteOrder.None,
        };
    }

    /// <summary>A wire struct: packed, sequential fields, optionally a tail sized by an earlier field.</summary>
    public sealed class StructType : TypeSymbol
    {
        public StructType(string name, SourceSpan span, string? doc) : base(name, span, doc) { }

        public IReadOnlyList<FieldSymbol> Fields { get; internal set; } = new FieldSymbol[0];
        /// <summary>Sum of the fields' fixed sizes.</summary>
        public int ContentSize { get; internal set; }
        /// <summary>Declared alignment (1 when none): the size rounds up to a multiple of it.</summary>
        public int Align { get; internal set; } = 1;
        public bool HostOrder { get; internal set; }
        /// <summary>Set when the struct is a view of a union.</summary>
        public UnionType? Union { get; internal set; }
        public string? ViewName { get; internal set; }
        /// <summary>Set when the struct was declared inline in a command.</summary>
        public bool IsInline { get; internal set; }

        public override TypeKind Kind => TypeKind.Struct;
        public override int Size => RoundUp(ContentSize, Align);
        public int TailPadding => Size - ContentSize;
        public FieldSymbol? Tail => Fields.LastOrDefault(f => f.IsTail);

        internal static int RoundUp(int value, int align) => align <= 1 ? value : (value + align - 1) / align * align;
    }

    public sealed class UnionView : Symbol
    {
        public UnionView(string name, SourceSpan span, string? doc, StructType structType) : base(name, span, doc) { Struct = structType; }
        public StructType Struct { get; }
    }

    /// <summary>One memory block with several views (s390 ISM command blocks).</summary>
    public sealed class UnionType : TypeSymbol
    {
        public UnionType(string name, SourceSpan span, string? doc) : base(name, span, doc) { }
        public IReadOnlyList<UnionView> Views { get; internal set; } = new UnionView[0];
        public int Align { get; internal set; } = 1;
        public override TypeKind Kind => TypeKind.Union;
        public int ContentSize => Views.Count == 0 ? 0 : Views.Max(v => v.Struct.ContentSize);
        public override int Size => StructType.RoundUp(ContentSize, Align);

        public UnionView? FindView(string name) => Views.FirstOrDefault(v => v.Name == name);
    }
}
