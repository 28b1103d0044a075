using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Engine;

/// <summary>Types match by spec name; unmatched types with identical structure are renames.</summary>
internal static class TypeDiff
{
    public static void Compare(DiffContext ctx)
    {
        var newByName = ctx.New.Types.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First());
        var oldNames = ctx.Old.Types.Select(t => t.Name).ToHashSet();
        foreach (var o in ctx.Old.Types)
        {
            if (newByName.TryGetValue(o.Name, out var n)) CompareMatched(ctx, o, n, ctx.PathOf("type", o.Name));
        }

        var lost = ctx.Old.Types.Where(t => !newByName.ContainsKey(t.Name) && IsStandalone(t)).ToList();
        var gained = ctx.New.Types.Where(t => !oldNames.Contains(t.Name) && IsStandalone(t)).ToList();
        foreach (var o in lost.ToList())
        {
            var sig = Describe.Signature(o);
            var candidates = gained.Where(n => Describe.Signature(n) == sig).ToList();
            if (candidates.Count != 1 || lost.Count(x => Describe.Signature(x) == sig) != 1) continue;
            var n = candidates[0];
            lost.Remove(o);
            gained.Remove(n);
            ctx.Report(DiffRules.TypeRenamed, ctx.PathOf("type", o.Name),
                $"{Describe.Kind(o)} {o.Name} is renamed {n.Name} with an identical layout; the generated C# type name changes",
                o.Name, n.Name, o, n);
        }
        foreach (var o in lost)
            ctx.Report(DiffRules.TypeRemoved, ctx.PathOf("type", o.Name),
                $"{Describe.Kind(o)} {o.Name} was removed; peers that still exchange it have no definition for it",
                Describe.Kind(o), null, o, null);
        foreach (var n in gained)
            ctx.Report(DiffRules.TypeAdded, ctx.PathOf("type", n.Name),
                $"new {Describe.Kind(n)} {n.Name} ({n.Size} bytes)",
                null, Describe.Kind(n), null, n);
    }

    /// <summary>Inline command payloads and inline union views are reported through their command or union.</summary>
    private static bool IsStandalone(TypeSymbol t) => t is not StructType s || (!s.IsInline && s.Union == null);

    private static void CompareMatched(DiffContext ctx, TypeSymbol o, TypeSymbol n, string path)
    {
        if (o.Kind != n.Kind)
        {
            ctx.Report(DiffRules.TypeKindChanged, path,
                $"{n.Name} is now a {Describe.Kind(n)} (was a {Describe.Kind(o)})", Describe.Kind(o), Describe.Kind(n), o, n);
            return;
        }
        switch (o, n)
        {
            case (EnumType oe, EnumType ne): EnumDiff.Compare(ctx, oe, ne, path); break;
            case (BitfieldType ob, BitfieldType nb): BitfieldDiff.Compare(ctx, ob, nb, path); break;
            case (StructType os, StructType ns): StructDiff.Compare(ctx, os, ns, path); break;
            case (UnionType ou, UnionType nu): CompareUnion(ctx, ou, nu, path); break;
        }
    }

    private static void CompareUnion(DiffContext ctx, UnionType old, UnionType neu, string path)
    {
        if (old.Size != neu.Size)
            ctx.Report(DiffRules.StructSizeChanged, path,
                $"union {neu.Name} is now {neu.Size} bytes (was {old.Size})", old.Size.ToString(), neu.Size.ToString(), old, neu);
        foreach (var ov in old.Views)
        {
            var nv = neu.FindView(ov.Name);
            if (nv == null)
            {
                ctx.Report(DiffRules.UnionViewRemoved, $"{path}.{ov.Name}",
                    $"union {old.Name} lost its view {ov.Name}", ov.Struct.Name, null, ov, null);
                continue;
            }
            // A view that names another struct is compared here; same-named structs are compared as types.
            if (ov.Struct.Name != nv.Struct.Name)
                StructDiff.Compare(ctx, ov.Struct, nv.Struct, $"{path}.{ov.Name}");
        }
        foreach (var nv in neu.Views.Where(v => old.FindView(v.Name) == null))
            ctx.Report(DiffRules.UnionViewAdded, $"{path}.{nv.Name}",
                $"union {neu.Name} gained a view {nv.Name}", null, nv.Struct.Name, null, nv);
    }
}
