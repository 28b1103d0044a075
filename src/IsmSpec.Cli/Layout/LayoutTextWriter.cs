using IsmSpec.Cli.Formatting;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Layout;

/// <summary>
/// pahole-style layout of a struct or union: offset, size and byte order of every field, bit ranges of
/// bitfield members, holes, tail padding and a summary line.
/// </summary>
internal static class LayoutTextWriter
{
    public static void Write(TextWriter output, TypeSymbol type)
    {
        switch (type)
        {
            case StructType s: WriteStruct(output, s); break;
            case UnionType u: WriteUnion(output, u); break;
            default: throw new CliException($"'{type.Name}' is {Describe(type)}, not a struct or union; layout shows structs and unions");
        }
    }

    public static string Describe(TypeSymbol type) => type.Kind switch
    {
        TypeKind.Enum => "an enum",
        TypeKind.Flags => "a flag set",
        TypeKind.Bitfield => "a bitfield",
        _ => "a " + type.Kind.ToString().ToLowerInvariant(),
    };

    private static void WriteStruct(TextWriter output, StructType s)
    {
        output.WriteLine($"struct {s.Name} {{ /* {Attributes(s.Spec, s.Align, s.HostOrder)} */");
        WriteFields(output, s, s.Size, "\t");
        output.WriteLine($"\t/* size: {s.Size}, members: {s.Fields.Count}, tail padding: {s.Size - s.ContentSize} */");
        output.WriteLine("};");
    }

    private static void WriteUnion(TextWriter output, UnionType u)
    {
        output.WriteLine($"union {u.Name} {{ /* {Attributes(u.Spec, u.Align, false)} */");
        foreach (var view in u.Views)
        {
            output.WriteLine($"\tview {view.Name} {{ /* struct {view.Struct.Name} */");
            WriteFields(output, view.Struct, u.Size, "\t\t");
            output.WriteLine($"\t\t/* view size: {view.Struct.Size}, members: {view.Struct.Fields.Count}, tail padding: {u.Size - view.Struct.ContentSize} */");
            output.WriteLine("\t};");
        }
        output.WriteLine($"\t/* size: {u.Size}, members: {u.Views.Count}, tail padding: {u.Size - u.ContentSize} */");
        output.WriteLine("};");
    }

    private static string Attributes(SpecModel? spec, int align, bool hostOrder) =>
        string.Join(", ", new[] { spec?.Key ?? "", align > 1 ? $"align {align}" : "", hostOrder ? "hostorder" : "" }.Where(a => a.Length > 0));

    /// <summary>Fields in offset order; a gap before a field is a hole, a gap before <paramref name="containerSize"/> is tail padding.</summary>
    private static void WriteFields(TextWriter output, StructType s, int containerSize, string indent)
    {
        int typeWidth = Math.Max(12, s.Fields.Select(f => WireText.DeclaredType(f).Length).DefaultIfEmpty().Max());
        int nameWidth = Math.Max(16, s.Fields.Select(f => WireText.Declarator(f).Length + 1).DefaultIfEmpty().Max());
        int end = 0;
        foreach (var field in s.Fields.OrderBy(f => f.Offset))
        {
            if (field.Offset > end) output.WriteLine($"{indent}/* XXX {field.Offset - end} bytes hole */");
            var declaration = $"{indent}{WireText.DeclaredType(field).PadRight(typeWidth)} {(WireText.Declarator(field) + ";").PadRight(nameWidth)}";
            output.WriteLine($"{declaration} /* {field.Offset,5} {field.Size,5}{Notes(field)} */");
            if (field.Type is BitfieldType bits) WriteBits(output, bits, indent + "    ");
            end = Math.Max(end, field.Offset + field.Size);
        }
        if (containerSize > end) output.WriteLine($"{indent}/* XXX {containerSize - end} bytes tail padding */");
    }

    private static string Notes(FieldSymbol field)
    {
        var notes = new List<string>();
        if (field.ByteOrder != ByteOrder.None) notes.Add(WireText.Endian(field.ByteOrder));
        if (field.IsTail) notes.Add($"tail of {field.ElementSize}-byte elements, count in {field.CountField!.Name}");
        return notes.Count == 0 ? "" : " " + string.Join(" ", notes);
    }

    private static void WriteBits(TextWriter output, BitfieldType bits, string indent)
    {
        int width = bits.Members.Select(m => m.Name.Length + (m.IsReserved ? 9 : 0)).DefaultIfEmpty().Max();
        foreach (var m in bits.Members.OrderBy(m => m.Low))
        {
            var name = (m.IsReserved ? "reserved " : "") + m.Name;
            var asEnum = m.AsEnum != null ? $" as {m.AsEnum.Name}" : "";
            output.WriteLine($"{indent}{name.PadRight(width)} : {WireText.BitRange(m)}{asEnum};");
        }
    }
}
