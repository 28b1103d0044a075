using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Tex;

/// <summary>
/// One C field statement (<c>le64 a;</c>, <c>u8 b[16];</c>, <c>le64 c[];</c>, <c>struct x y;</c>,
/// <c>le32 a, b;</c>) into <see cref="CField"/>s. Pointers, bit-fields and nested definitions are skipped
/// with a warning.
/// </summary>
internal static class CFieldReader
{
    private const ulong MaxArrayLength = 1 << 20;
    private static readonly HashSet<string> Qualifiers = ["const", "volatile", "struct", "__packed", "__aligned", "signed"];

    public static void Read(CStruct s, List<CToken> statement, List<TexWarning> warnings, Func<string, ulong?> lookup)
    {
        int line = statement[0].Line;
        var text = string.Join(" ", statement.Select(t => t.Text));
        string? problem = statement.Any(t => t.Text is "{" or "}") ? "nested struct or union definitions are not imported"
            : statement.Any(t => t.Text == "(") ? "function pointers and attributes on fields are not imported"
            : statement.Any(t => t.Text == "*") ? "pointers mean nothing on the wire"
            : statement.Any(t => t.Text == ":") ? "bit-fields are not imported"
            : null;
        if (problem != null)
        {
            warnings.Add(new TexWarning(line, $"{s.Name}: field '{text}' skipped ({problem}); the struct's layout is incomplete"));
            return;
        }
        var tokens = statement.Where(t => !(t.Kind == CTokenKind.Identifier && Qualifiers.Contains(t.Text) && t.Text != "signed")).ToList();
        var declarators = Split(tokens);
        if (declarators.Count == 0) return;
        var first = declarators[0];
        int nameIndex = first.FindIndex(t => t.Text == "[");
        nameIndex = (nameIndex < 0 ? first.Count : nameIndex) - 1;
        if (nameIndex < 1 || first[nameIndex].Kind != CTokenKind.Identifier)
        {
            warnings.Add(new TexWarning(line, $"{s.Name}: '{text}' is not a field declaration; skipped"));
            return;
        }
        var cType = string.Join(" ", first.Take(nameIndex).Select(t => t.Text));
        var type = ResolveType(s, cType, line, warnings);
        if (type == null) return;
        declarators[0] = first.Skip(nameIndex).ToList();
        foreach (var d in declarators) Declarator(s, type, d, line, warnings, lookup);
    }

    private static string? ResolveType(CStruct s, string cType, int line, List<TexWarning> warnings)
    {
        var type = CTypeMap.Map(cType, out bool guessed);
        if (type != null)
        {
            if (guessed) warnings.Add(new TexWarning(line, $"{s.Name}: '{cType}' has no byte order; imported as {type} (the virtio convention)"));
            return type;
        }
        if (!cType.Contains(' ') && cType.Length > 0 && (char.IsAsciiLetter(cType[0]) || cType[0] == '_')) return cType; // a struct name, checked later
        warnings.Add(new TexWarning(line, $"{s.Name}: unknown type '{cType}'; field skipped, the struct's layout is incomplete"));
        return null;
    }

    private static void Declarator(CStruct s, string type, List<CToken> d, int line, List<TexWarning> warnings, Func<string, ulong?> lookup)
    {
        if (d.Count == 0 || d[0].Kind != CTokenKind.Identifier)
        {
            warnings.Add(new TexWarning(line, $"{s.Name}: a declarator without a name was skipped"));
            return;
        }
        var name = d[0].Text;
        if (s.Fields.Any(f => Naming.ToPascal(f.Name) == Naming.ToPascal(name)))
        {
            warnings.Add(new TexWarning(line, $"{s.Name}: field {name} is declared twice; the later one is skipped"));
            return;
        }
        bool reserved = CTypeMap.LooksReserved(name);
        if (d.Count == 1)
        {
            s.Fields.Add(new CField(type, name, null, false, reserved, line));
            return;
        }
        if (d[1].Text != "[" || d[^1].Text != "]" || d.Count(t => t.Text == "[") != 1)
        {
            warnings.Add(new TexWarning(line, $"{s.Name}.{name}: only one-dimensional arrays are imported; skipped"));
            return;
        }
        var count = d.Skip(2).Take(d.Count - 3).ToList();
        if (count.Count == 0 || (count.Count == 1 && count[0].Text == "0"))
        {
            s.Fields.Add(new CField(type, name, null, true, false, line));
            return;
        }
        var value = CExpression.Evaluate(count, lookup);
        if (value == null || value < 1 || value > MaxArrayLength)
        {
            warnings.Add(new TexWarning(line, $"{s.Name}.{name}: array length '{string.Join(" ", count.Select(t => t.Text))}' is not a known positive constant; skipped"));
            return;
        }
        var countText = count.Count == 1 && count[0].Kind == CTokenKind.Identifier ? count[0].Text : value.Value.ToString();
        s.Fields.Add(new CField(type, name, countText, false, reserved, line));
    }

    private static List<List<CToken>> Split(List<CToken> tokens)
    {
        var parts = new List<List<CToken>> { new() };
        int depth = 0;
        foreach (var t in tokens)
        {
            if (t.Text == "[") depth++;
            if (t.Text == "]") depth = Math.Max(0, depth - 1);
            if (depth == 0 && t.Text == ",") { parts.Add([]); continue; }
            parts[^1].Add(t);
        }
        return parts.Where(p => p.Count > 0).ToList();
    }
}
