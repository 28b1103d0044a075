namespace IsmSpec.SpecDiff.Tex;

/// <summary>
/// After every listing is read: drops fields whose struct type is unknown, nested structs with a tail,
/// recursive nesting and fields after a tail; picks the count field of each <c>x[]</c> tail; drops
/// structs left empty. Repeats until nothing changes, so the emitted .ism always binds.
/// </summary>
internal static class CStructResolver
{
    private static readonly string[] CountNames = ["num", "count", "nr", "n", "len", "length", "cnt"];

    public static void Resolve(CDeclarations decls, List<TexWarning> warnings)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var s in decls.Structs.ToList())
            {
                changed |= ResolveStruct(decls, s, warnings);
                if (s.Fields.Count == 0)
                {
                    warnings.Add(new TexWarning(s.Line, $"struct {s.Name} has no importable fields; skipped"));
                    decls.Structs.Remove(s);
                    changed = true;
                }
            }
        }
    }

    private static bool ResolveStruct(CDeclarations decls, CStruct s, List<TexWarning> warnings)
    {
        bool changed = false;
        for (int i = 0; i < s.Fields.Count; i++)
        {
            var f = s.Fields[i];
            string? problem = null;
            if (i > 0 && s.Fields[i - 1].IsTail) problem = "fields after a variable-length tail are not imported";
            else if (!CTypeMap.IsIsmPrimitive(f.Type))
            {
                var nested = decls.Structs.FirstOrDefault(x => x.Name == f.Type);
                if (nested == null) problem = $"unknown type '{f.Type}'";
                else if (nested.Fields.Any(x => x.IsTail)) problem = $"'{f.Type}' ends in a variable-length tail and cannot be nested";
                else if (Contains(decls, nested, s.Name, [])) problem = $"'{f.Type}' contains {s.Name} (recursive)";
            }
            if (problem == null && f.IsTail && f.Count == null)
            {
                var counter = PickCounter(decls, s, i);
                if (counter == null) problem = "no earlier integer field can hold the element count of this tail";
                else
                {
                    s.Fields[i] = f with { Count = counter };
                    warnings.Add(new TexWarning(f.Line, $"{s.Name}.{f.Name}[] is imported as a tail sized by {counter} (a guess: check it)"));
                }
            }
            if (problem == null) continue;
            warnings.Add(new TexWarning(f.Line, $"{s.Name}.{f.Name} skipped: {problem}; the struct's layout is incomplete"));
            s.Fields.RemoveAt(i--);
            changed = true;
        }
        return changed;
    }

    private static string? PickCounter(CDeclarations decls, CStruct s, int tailIndex)
    {
        var candidates = s.Fields.Take(tailIndex)
            .Where(f => CTypeMap.IsInteger(f.Type) && f.Count == null && !f.IsTail && !f.IsReserved && !decls.IsNameTaken(f.Name))
            .ToList();
        return candidates.FirstOrDefault(f => CountNames.Any(n => f.Name.Equals(n, StringComparison.OrdinalIgnoreCase)
                                                               || f.Name.StartsWith(n + "_", StringComparison.OrdinalIgnoreCase)
                                                               || f.Name.EndsWith("_" + n, StringComparison.OrdinalIgnoreCase)))?.Name
               ?? candidates.LastOrDefault()?.Name;
    }

    private static bool Contains(CDeclarations decls, CStruct s, string target, HashSet<string> seen)
    {
        if (!seen.Add(s.Name)) return false;
        foreach (var f in s.Fields)
        {
            if (f.Type == target) return true;
            var nested = decls.Structs.FirstOrDefault(x => x.Name == f.Type);
            if (nested != null && Contains(decls, nested, target, seen)) return true;
        }
        return false;
    }
}
