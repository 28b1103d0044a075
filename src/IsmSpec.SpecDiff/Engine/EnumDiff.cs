using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Engine;

/// <summary>Enums and flag sets: members match by name, then by value (a rename or a new meaning).</summary>
internal static class EnumDiff
{
    public static void Compare(DiffContext ctx, EnumType old, EnumType neu, string path)
    {
        CompareUnderlying(ctx, old, neu, old.Underlying, neu.Underlying, path);
        var lostOld = old.Members.Where(o => neu.FindMember(o.Name) == null).ToList();
        var gainedNew = neu.Members.Where(n => old.FindMember(n.Name) == null).ToList();

        foreach (var o in old.Members)
        {
            var n = neu.FindMember(o.Name);
            if (n == null || n.Value == o.Value) continue;
            ctx.Report(DiffRules.EnumValueChanged, $"{path}.{o.Name}",
                $"{neu.Name}.{o.Name} changed value from {Value(old, o.Value)} to {Value(neu, n.Value)}: old peers read it as something else",
                Value(old, o.Value), Value(neu, n.Value), o, n);
        }

        foreach (var o in lostOld.ToList())
        {
            var n = gainedNew.FirstOrDefault(n => n.Value == o.Value);
            if (n == null) continue;
            lostOld.Remove(o);
            gainedNew.Remove(n);
            var p = $"{path}.{o.Name}";
            if (NameRelation.AreRelated(o.Name, n.Name))
                ctx.Report(DiffRules.EnumMemberRenamed, p,
                    $"{neu.Name}.{o.Name} is renamed {n.Name} with the same value {Value(neu, n.Value)}",
                    $"{o.Name}={Value(old, o.Value)}", $"{n.Name}={Value(neu, n.Value)}", o, n);
            else
                ctx.Report(DiffRules.EnumMemberMeaningChanged, p,
                    $"{neu.Name}: value {Value(neu, n.Value)} meant {o.Name} and now means {n.Name}; old and new peers act differently on the same bits",
                    $"{o.Name}={Value(old, o.Value)}", $"{n.Name}={Value(neu, n.Value)}", o, n);
        }

        foreach (var o in lostOld)
            ctx.Report(DiffRules.EnumMemberRemoved, $"{path}.{o.Name}",
                $"{old.Name}.{o.Name} ({Value(old, o.Value)}) was removed; old peers may still send it",
                $"{o.Name}={Value(old, o.Value)}", null, o, null);
        foreach (var n in gainedNew)
            ctx.Report(DiffRules.EnumMemberAdded, $"{path}.{n.Name}",
                $"{neu.Name} gained {n.Name} ({Value(neu, n.Value)}); old peers do not know it",
                null, $"{n.Name}={Value(neu, n.Value)}", null, n);
    }

    /// <summary>Integer width or byte order of an enum, flag set or bitfield.</summary>
    public static void CompareUnderlying(DiffContext ctx, TypeSymbol old, TypeSymbol neu, PrimitiveType o, PrimitiveType n, string path)
    {
        if (o.Size != n.Size)
            ctx.Report(DiffRules.UnderlyingTypeChanged, path,
                $"{neu.Name} is now stored as {n.Name} (was {o.Name}): its size on the wire changed",
                o.Name, n.Name, old, neu);
        else if (o.ByteOrder != n.ByteOrder)
            ctx.Report(DiffRules.ByteOrderChanged, path,
                $"{neu.Name} is now {Describe.ByteOrder(n.ByteOrder)} (was {Describe.ByteOrder(o.ByteOrder)}): every value reads byte-swapped",
                o.Name, n.Name, old, neu);
    }

    /// <summary>Flag masks with one bit print as <c>1 &lt;&lt; n</c>, everything else as a number.</summary>
    public static string Value(EnumType e, ulong v) =>
        e.IsFlags && v != 0 && (v & (v - 1)) == 0 ? $"1 << {System.Numerics.BitOperations.TrailingZeroCount(v)}" : Describe.Hex(v);
}
