using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Engine;

/// <summary>
/// Field-by-field comparison of two struct layouts. Non-reserved fields match by name; an unmatched pair
/// at the same offset with the same wire type is a rename (or a new meaning); reserved fields are compared
/// as byte ranges, so carving a field out of reserved space reads as "reserved field given a meaning".
/// </summary>
internal static class StructDiff
{
    public static void Compare(DiffContext ctx, StructType old, StructType neu, string path)
    {
        if (old.Size != neu.Size)
            ctx.Report(DiffRules.StructSizeChanged, path,
                $"{neu.Name} is now {neu.Size} bytes (was {old.Size}); peers built from the old spec read or write the wrong length",
                old.Size.ToString(), neu.Size.ToString(), old, neu);

        var oldFields = old.Fields.Where(f => !f.IsReserved).ToList();
        var newFields = neu.Fields.Where(f => !f.IsReserved).ToList();
        var matched = oldFields.Where(o => newFields.Any(n => n.Name == o.Name)).Select(o => o.Name).ToHashSet();
        bool reordered = !oldFields.Where(f => matched.Contains(f.Name)).Select(f => f.Name)
            .SequenceEqual(newFields.Where(f => matched.Contains(f.Name)).Select(f => f.Name));

        foreach (var o in oldFields.Where(f => matched.Contains(f.Name)))
            CompareField(ctx, old, neu, o, newFields.First(n => n.Name == o.Name), path, reordered);

        var lostOld = oldFields.Where(f => !matched.Contains(f.Name)).ToList();
        var gainedNew = newFields.Where(f => !matched.Contains(f.Name)).ToList();
        foreach (var o in lostOld.ToList())
        {
            var n = gainedNew.FirstOrDefault(n => n.Offset == o.Offset && n.IsTail == o.IsTail && n.ArrayLength == o.ArrayLength
                                                  && Describe.Wire(n.Type) == Describe.Wire(o.Type));
            if (n == null) continue;
            lostOld.Remove(o);
            gainedNew.Remove(n);
            ReportRename(ctx, old, neu, o, n, path);
        }

        var oldReserved = ReservedBytes(old);
        var newReserved = ReservedBytes(neu);
        foreach (var n in gainedNew) ReportGained(ctx, neu, n, path, oldReserved);
        foreach (var o in lostOld) ReportLost(ctx, old, o, path, newReserved);
    }

    private static void CompareField(DiffContext ctx, StructType old, StructType neu, FieldSymbol o, FieldSymbol n, string path, bool reordered)
    {
        var p = $"{path}.{o.Name}";
        if (o.Offset != n.Offset)
        {
            var note = reordered ? $"; field order changed, it now follows {Previous(neu, n)}" : "";
            ctx.Report(DiffRules.FieldMoved, p,
                $"{neu.Name}.{n.Name} moved from offset {o.Offset} to {n.Offset}{note}: old peers read it at the wrong place",
                $"@{o.Offset}", $"@{n.Offset}", o, n);
        }
        if (o.IsTail != n.IsTail)
        {
            var rule = n.IsTail ? DiffRules.TailAdded : DiffRules.TailRemoved;
            ctx.Report(rule, p, n.IsTail
                    ? $"{neu.Name}.{n.Name} became a variable-length tail sized by {n.CountField!.Name}"
                    : $"{neu.Name}.{n.Name} is no longer a variable-length tail",
                Describe.FieldType(o), Describe.FieldType(n), o, n);
            return;
        }
        if (o.IsTail)
        {
            if (o.CountField!.Name != n.CountField!.Name || o.Type.Name != n.Type.Name || Describe.Wire(o.Type) != Describe.Wire(n.Type))
                ctx.Report(DiffRules.TailChanged, p,
                    $"the tail {neu.Name}.{n.Name} changed from {Describe.FieldType(o)} to {Describe.FieldType(n)}: its element count or element layout differs",
                    Describe.FieldType(o), Describe.FieldType(n), o, n);
            return;
        }
        if (o.ArrayLength != n.ArrayLength)
            ctx.Report(DiffRules.ArrayLengthChanged, p,
                $"{neu.Name}.{n.Name} now holds {Math.Max(n.ArrayLength, 1)} element(s) (was {Math.Max(o.ArrayLength, 1)})",
                Describe.FieldType(o), Describe.FieldType(n), o, n);
        CompareFieldType(ctx, neu, o, n, p);
    }

    private static void CompareFieldType(DiffContext ctx, StructType neu, FieldSymbol o, FieldSymbol n, string p)
    {
        if (o.Type.Name == n.Type.Name) return; // a same-named type's own changes are reported on that type
        string ow = Describe.Wire(o.Type), nw = Describe.Wire(n.Type);
        if (ow == nw)
            ctx.Report(DiffRules.FieldRetypedSameWire, p,
                $"{neu.Name}.{n.Name} is now typed {n.Type.Name} (was {o.Type.Name}); same bytes on the wire, but the generated property type changes",
                o.Type.Name, n.Type.Name, o, n);
        else if (o.Type.Size == n.Type.Size && o.ByteOrder != n.ByteOrder && o.ByteOrder != ByteOrder.None && n.ByteOrder != ByteOrder.None)
            ctx.Report(DiffRules.ByteOrderChanged, p,
                $"{neu.Name}.{n.Name} is now {Describe.ByteOrder(n.ByteOrder)} (was {Describe.ByteOrder(o.ByteOrder)}): every value reads byte-swapped",
                o.Type.Name, n.Type.Name, o, n);
        else
            ctx.Report(DiffRules.FieldRetyped, p,
                $"{neu.Name}.{n.Name} changed type from {o.Type.Name} ({o.Type.Size} bytes) to {n.Type.Name} ({n.Type.Size} bytes)",
                o.Type.Name, n.Type.Name, o, n);
    }

    private static void ReportRename(DiffContext ctx, StructType old, StructType neu, FieldSymbol o, FieldSymbol n, string path)
    {
        var p = $"{path}.{o.Name}";
        var newNameElsewhere = DiffContext.OtherUse(ctx.OldFieldNames, n.Name, old.Name);
        var oldNameElsewhere = DiffContext.OtherUse(ctx.NewFieldNames, o.Name, neu.Name);
        if ((newNameElsewhere != null || oldNameElsewhere != null) && !NameRelation.AreRelated(o.Name, n.Name))
        {
            var why = newNameElsewhere != null ? $"{n.Name} as in {newNameElsewhere}" : $"{o.Name} still means something else, as in {oldNameElsewhere}";
            ctx.Report(DiffRules.FieldMeaningChanged, p,
                $"{neu.Name}: the bytes at offset {n.Offset} carried {o.Name} and now carry {n.Name} ({why}); same layout, new meaning, so old and new peers disagree on the value",
                o.Name, n.Name, o, n);
        }
        else
        {
            ctx.Report(DiffRules.FieldRenamed, p,
                $"{neu.Name}.{o.Name} is renamed {n.Name} at the same offset and type; if its meaning changed too, treat this as wire-breaking",
                o.Name, n.Name, o, n);
        }
        if (o.Type.Name != n.Type.Name) CompareFieldType(ctx, neu, o, n, p);
    }

    private static void ReportGained(DiffContext ctx, StructType neu, FieldSymbol n, string path, bool[] oldReserved)
    {
        var p = $"{path}.{n.Name}";
        int inside = CountReserved(oldReserved, n);
        if (n.Size > 0 && inside == n.Size)
            ctx.Report(DiffRules.ReservedFieldUsed, p,
                $"{neu.Name}.{n.Name} takes bytes {n.Offset}..{n.Offset + n.Size - 1} that were reserved (must be zero); old peers send zero there, so zero must keep the old behaviour",
                null, Describe.Field(n), null, n);
        else if (inside > 0)
            ctx.Report(DiffRules.ReservedFieldReused, p,
                $"{neu.Name}.{n.Name} overlaps reserved bytes but also bytes that meant something else",
                null, Describe.Field(n), null, n);
        else if (n.IsTail)
            ctx.Report(DiffRules.TailAdded, p, $"{neu.Name} gained a variable-length tail {n.Name} sized by {n.CountField!.Name}",
                null, Describe.Field(n), null, n);
        else
            ctx.Report(DiffRules.FieldAdded, p, $"{neu.Name} gained field {n.Name} at offset {n.Offset}; a packed layout has no room for it, so the size or later offsets change",
                null, Describe.Field(n), null, n);
    }

    private static void ReportLost(DiffContext ctx, StructType old, FieldSymbol o, string path, bool[] newReserved)
    {
        var p = $"{path}.{o.Name}";
        if (o.Size > 0 && CountReserved(newReserved, o) > 0)
            ctx.Report(DiffRules.FieldReserved, p,
                $"{old.Name}.{o.Name} is now reserved space: peers that still set it fail validation and its meaning is gone",
                Describe.Field(o), null, o, null);
        else if (o.IsTail)
            ctx.Report(DiffRules.TailRemoved, p, $"{old.Name} lost its variable-length tail {o.Name}", Describe.Field(o), null, o, null);
        else
            ctx.Report(DiffRules.FieldRemoved, p, $"{old.Name}.{o.Name} was removed; peers that still send or read it disagree on the layout",
                Describe.Field(o), null, o, null);
    }

    private static string Previous(StructType s, FieldSymbol f)
    {
        var before = s.Fields.TakeWhile(x => x != f).LastOrDefault(x => !x.IsReserved);
        return before == null ? "nothing (it is first)" : before.Name;
    }

    private static bool[] ReservedBytes(StructType s)
    {
        var bytes = new bool[Math.Max(s.ContentSize, 0)];
        foreach (var f in s.Fields.Where(f => f.IsReserved))
            for (int i = f.Offset; i < f.Offset + f.Size && i < bytes.Length; i++) bytes[i] = true;
        return bytes;
    }

    private static int CountReserved(bool[] reserved, FieldSymbol f)
    {
        int n = 0;
        for (int i = f.Offset; i < f.Offset + f.Size; i++) if (i < reserved.Length && reserved[i]) n++;
        return n;
    }
}
