using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Engine;

/// <summary>Short, position-free text for types and layouts, used in finding values (and so in fingerprints).</summary>
internal static class Describe
{
    public static string Kind(TypeSymbol t) => t.Kind switch
    {
        TypeKind.Enum => "enum",
        TypeKind.Flags => "flags",
        TypeKind.Bitfield => "bitfield",
        TypeKind.Struct => "struct",
        TypeKind.Union => "union",
        _ => "primitive",
    };

    /// <summary><c>le64</c>, <c>u8[16]</c>, <c>virtio_ism_area[num]</c>.</summary>
    public static string FieldType(FieldSymbol f) =>
        f.Type.Name + (f.IsTail ? $"[{f.CountField!.Name}]" : f.IsArray ? $"[{f.ArrayLength}]" : "");

    /// <summary><c>token:le64@0</c>.</summary>
    public static string Field(FieldSymbol f) => $"{(f.IsReserved ? "reserved " : "")}{f.Name}:{FieldType(f)}@{f.Offset}";

    /// <summary><c>{token:le64@0, offset:le64@8} 16 bytes</c> (plus "+ tail" when there is one).</summary>
    public static string Layout(StructType? s)
    {
        if (s == null) return "none";
        var fields = string.Join(", ", s.Fields.Select(Field));
        return $"{{{fields}}} {s.Size} bytes{(s.Tail != null ? " + tail" : "")}";
    }

    /// <summary>
    /// The wire representation of a type, names left out: two types with the same wire text encode
    /// the same values as the same bytes.
    /// </summary>
    public static string Wire(TypeSymbol t) => t switch
    {
        PrimitiveType p => p.Name,
        EnumType e => e.Underlying.Name,
        BitfieldType b => b.Underlying.Name,
        StructType s => "{" + string.Join(",", s.Fields.Select(WireField)) + "}" + s.Size,
        UnionType u => "union(" + string.Join("|", u.Views.Select(v => Wire(v.Struct))) + ")" + u.Size,
        _ => t.Name,
    };

    private static string WireField(FieldSymbol f) =>
        $"{f.Offset}:{Wire(f.Type)}{(f.IsTail ? "[*]" : f.IsArray ? $"[{f.ArrayLength}]" : "")}{(f.IsReserved ? "r" : "")}";

    /// <summary>A structural signature of a type without its own name: equal signatures mean a pure rename.</summary>
    public static string Signature(TypeSymbol t) => t switch
    {
        EnumType e => $"{Kind(e)}:{e.Underlying.Name}:" + string.Join(",", e.Members.Select(m => $"{m.Name}={m.Value}")),
        BitfieldType b => $"bitfield:{b.Underlying.Name}:" + string.Join(",", b.Members.Select(m => $"{m.Name}={m.Low}..{m.High}{(m.IsReserved ? "r" : "")}")),
        StructType s => "struct:" + string.Join(",", s.Fields.Select(Field)) + $":{s.Size}",
        UnionType u => "union:" + string.Join(",", u.Views.Select(v => $"{v.Name}={Signature(v.Struct)}")) + $":{u.Size}",
        _ => t.Name,
    };

    /// <summary>Decimal up to 4095, hex above (masks and all-ones values read better in hex).</summary>
    public static string Hex(ulong v) => v < 4096 ? v.ToString() : $"0x{v:X}";

    public static string ByteOrder(ByteOrder o) => o switch
    {
        SpecLanguage.Model.ByteOrder.Little => "little-endian",
        SpecLanguage.Model.ByteOrder.Big => "big-endian",
        SpecLanguage.Model.ByteOrder.Host => "host order",
        _ => "no byte order",
    };
}
