using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Engine;

/// <summary>Operation tables: they become C# interfaces, so every change here is about source, not wire.</summary>
internal static class OpsDiff
{
    public static void Compare(DiffContext ctx)
    {
        foreach (var o in ctx.Old.Ops)
        {
            var n = ctx.New.Ops.FirstOrDefault(x => x.Name == o.Name);
            var path = ctx.PathOf("ops", o.Name);
            if (n == null)
                ctx.Report(DiffRules.OpsRemoved, path, $"ops table {o.Name} was removed; its interfaces disappear", o.Name, null, o, null);
            else
                CompareTable(ctx, o, n, path);
        }
        foreach (var n in ctx.New.Ops.Where(n => ctx.Old.Ops.All(o => o.Name != n.Name)))
            ctx.Report(DiffRules.OpsAdded, ctx.PathOf("ops", n.Name), $"new ops table {n.Name}", null, n.Name, null, n);
    }

    private static void CompareTable(DiffContext ctx, OpsSymbol old, OpsSymbol neu, string path)
    {
        var oldOps = Index(old);
        var newOps = Index(neu);
        var oldGroups = old.Groups.Select(g => g.Name).ToHashSet();
        foreach (var (name, (og, op)) in oldOps)
        {
            var p = $"{path}.{name}";
            if (!newOps.TryGetValue(name, out var n))
            {
                ctx.Report(DiffRules.OpRemoved, p, $"{old.Name}.{name} was removed; callers no longer compile", Signature(op), null, op, null);
                continue;
            }
            if (GroupText(og) != GroupText(n.Group))
                ctx.Report(DiffRules.OpGroupChanged, p, $"{neu.Name}.{name} moved from {GroupText(og)} to {GroupText(n.Group)}; it now lives on another interface",
                    GroupText(og), GroupText(n.Group), op, n.Op);
            if (Signature(op) != Signature(n.Op))
                ctx.Report(DiffRules.OpSignatureChanged, p, $"{neu.Name}.{name} changed signature from {Signature(op)} to {Signature(n.Op)}",
                    Signature(op), Signature(n.Op), op, n.Op);
        }
        var newGroups = new HashSet<string>();
        foreach (var (name, (ng, op)) in newOps)
        {
            if (oldOps.ContainsKey(name)) continue;
            if (ng.IsOptional && !oldGroups.Contains(ng.Name))
            {
                if (newGroups.Add(ng.Name))
                    ctx.Report(DiffRules.OpsGroupAdded, $"{path}.{ng.Name}",
                        $"{neu.Name} gained the optional {GroupText(ng)}; implementers may ignore it", null, GroupText(ng), null, ng);
                continue;
            }
            ctx.Report(DiffRules.OpAdded, $"{path}.{name}",
                $"{neu.Name}.{name} was added to the {GroupText(ng)}; every implementer of that interface must add it",
                null, Signature(op), null, op);
        }
    }

    private static Dictionary<string, (OperationGroup Group, OperationSymbol Op)> Index(OpsSymbol ops)
    {
        var index = new Dictionary<string, (OperationGroup, OperationSymbol)>(StringComparer.Ordinal);
        foreach (var g in ops.Groups)
            foreach (var op in g.Operations) index.TryAdd(op.Name, (g, op));
        return index;
    }

    private static string GroupText(OperationGroup g) => g.IsOptional ? $"optional group {g.Name}" : "mandatory group";

    /// <summary><c>errno (dibs_dev, out u64)</c>: return and parameter types; parameter names do not count.</summary>
    public static string Signature(OperationSymbol op) =>
        $"{op.ReturnType.SpecName} ({string.Join(", ", op.Parameters.Select(p => (p.IsOut ? "out " : "") + p.Type.SpecName))})";
}
