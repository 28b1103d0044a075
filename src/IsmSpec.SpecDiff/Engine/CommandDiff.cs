using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Engine;

/// <summary>
/// Command sets: framing, the ack value set, and commands matched by name, falling back to
/// (class, code) so a renamed command reads as a rename. Payloads are compared field by field.
/// </summary>
internal static class CommandDiff
{
    public static void Compare(DiffContext ctx)
    {
        foreach (var o in ctx.Old.CommandSets)
        {
            var n = ctx.New.CommandSets.FirstOrDefault(s => s.Name == o.Name);
            var path = ctx.PathOf("commandset", o.Name);
            if (n == null)
            {
                ctx.Report(DiffRules.CommandsetRemoved, path, $"command set {o.Name} was removed with its {o.Commands.Count} command(s)",
                    o.Name, null, o, null);
                continue;
            }
            if (o.Framing != n.Framing)
                ctx.Report(DiffRules.CommandsetFramingChanged, path, $"{n.Name} now uses {Framing(n.Framing)} framing (was {Framing(o.Framing)})",
                    Framing(o.Framing), Framing(n.Framing), o, n);
            CompareAck(ctx, o, n, path);
            CompareCommands(ctx, o, n, path);
        }
        foreach (var n in ctx.New.CommandSets.Where(s => ctx.Old.CommandSets.All(o => o.Name != s.Name)))
            ctx.Report(DiffRules.CommandsetAdded, ctx.PathOf("commandset", n.Name),
                $"new command set {n.Name} with {n.Commands.Count} command(s)", null, n.Name, null, n);
    }

    private static void CompareAck(DiffContext ctx, CommandSetSymbol o, CommandSetSymbol n, string path)
    {
        string oldSet = AckText(o), newSet = AckText(n);
        if (oldSet == newSet) return;
        var oldValues = o.Ack.Members.Select(m => m.Value).ToHashSet();
        var newValues = n.Ack.Members.Select(m => m.Value).ToHashSet();
        var parts = new List<string>();
        var added = newValues.Except(oldValues).Order().ToList();
        var removed = oldValues.Except(newValues).Order().ToList();
        if (added.Count > 0) parts.Add("new values " + string.Join(", ", added));
        if (removed.Count > 0) parts.Add("values gone " + string.Join(", ", removed));
        if (o.Ok.Value != n.Ok.Value) parts.Add($"ok is now {n.Ok.Value} (was {o.Ok.Value})");
        if (o.Error.Value != n.Error.Value) parts.Add($"error is now {n.Error.Value} (was {o.Error.Value})");
        if (parts.Count == 0) parts.Add("members renamed");
        ctx.Report(DiffRules.AckSetChanged, $"{path}.ack",
            $"the ack values of {n.Name} changed ({string.Join("; ", parts)}): old drivers misread the new codes",
            oldSet, newSet, o, n);
    }

    /// <summary><c>OK=0,ERR=1 ok=0 error=1</c> — values, not declaration order.</summary>
    private static string AckText(CommandSetSymbol s) =>
        string.Join(",", s.Ack.Members.OrderBy(m => m.Value).Select(m => $"{m.Name}={m.Value}")) + $" ok={s.Ok.Value} error={s.Error.Value}";

    private static void CompareCommands(DiffContext ctx, CommandSetSymbol os, CommandSetSymbol ns, string path)
    {
        var unmatchedNew = ns.Commands.ToList();
        var pairs = new List<(CommandSymbol O, CommandSymbol N)>();
        var unmatchedOld = new List<CommandSymbol>();
        foreach (var o in os.Commands)
        {
            var n = unmatchedNew.FirstOrDefault(c => c.Name == o.Name);
            if (n != null) { pairs.Add((o, n)); unmatchedNew.Remove(n); }
            else unmatchedOld.Add(o);
        }
        foreach (var o in unmatchedOld.ToList())
        {
            var n = unmatchedNew.FirstOrDefault(c => c.Class == o.Class && c.Code == o.Code);
            if (n == null) continue;
            unmatchedOld.Remove(o);
            unmatchedNew.Remove(n);
            ctx.Report(DiffRules.CommandRenamed, $"{path}.{o.Name}",
                $"command {Code(o)} is renamed {o.Name} -> {n.Name}; same code, the generated handler name changes",
                o.Name, n.Name, o, n);
            pairs.Add((o, n));
        }
        foreach (var (o, n) in pairs)
        {
            var p = $"{path}.{o.Name}";
            if (o.Class != n.Class || o.Code != n.Code)
                ctx.Report(DiffRules.CommandCodeChanged, p, $"{n.Name} moved from {Code(o)} to {Code(n)}: old peers send or expect the other code",
                    Code(o), Code(n), o, n);
            var label = o.Name == n.Name ? n.Name : $"{o.Name} (now {n.Name})";
            ComparePayload(ctx, DiffRules.CommandRequestChanged, "request", label, o.Request, n.Request, $"{p}.request");
            ComparePayload(ctx, DiffRules.CommandReplyChanged, "reply", label, o.Reply, n.Reply, $"{p}.reply");
        }
        foreach (var o in unmatchedOld)
            ctx.Report(DiffRules.CommandRemoved, $"{path}.{o.Name}", $"command {o.Name} {Code(o)} was removed; old drivers still send it",
                Code(o), null, o, null);
        foreach (var n in unmatchedNew)
            ctx.Report(DiffRules.CommandAdded, $"{path}.{n.Name}", $"new command {n.Name} {Code(n)}; old devices answer it with the error ack",
                null, Code(n), null, n);
    }

    private static void ComparePayload(DiffContext ctx, DiffRule rule, string kind, string cmd, StructType? o, StructType? n, string path)
    {
        if (o == null && n == null) return;
        if (o == null || n == null)
        {
            ctx.Report(rule, path, $"{cmd} {(n == null ? "no longer has" : "now has")} a {kind} payload",
                Describe.Layout(o), Describe.Layout(n), o, n);
            return;
        }
        var details = new List<Finding>();
        StructDiff.Compare(ctx.WithSink(details), o, n, path);
        var wire = details.Where(d => d.Class == DiffClass.WireBreaking).ToList();
        if (wire.Count > 0)
        {
            var what = string.Join(", ", wire.Select(d => $"{d.RuleId} {Last(d.Path)}").Distinct().Take(4)) + (wire.Count > 4 ? ", ..." : "");
            ctx.Report(rule, path, $"the {kind} of {cmd} changed on the wire ({what}); old and new peers misread it",
                Describe.Layout(o), Describe.Layout(n), o, n);
        }
        // Same-named payload structs are reported as types; different ones only here.
        if (o.Name != n.Name)
            foreach (var d in details) ctx.Add(d);
    }

    private static string Last(string path) => path[(path.LastIndexOf('.') + 1)..];

    private static string Code(CommandSymbol c) => c.Class != null ? $"(class {c.Class}, code {c.Code})" : $"(code 0x{c.Code:X})";

    private static string Framing(Framing f) => f == SpecLanguage.Model.Framing.VirtioCtrl ? "virtio_ctrl" : "ism_block";
}
