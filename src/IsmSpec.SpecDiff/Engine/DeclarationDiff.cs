using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Engine;

/// <summary>Constants, feature bits and device ids.</summary>
internal static class DeclarationDiff
{
    public static void Compare(DiffContext ctx)
    {
        CompareConstants(ctx);
        CompareFeatures(ctx);
        CompareDeviceIds(ctx);
    }

    private static void CompareConstants(DiffContext ctx)
    {
        foreach (var o in ctx.Old.Constants)
        {
            var n = ctx.New.Constants.FirstOrDefault(c => c.Name == o.Name);
            var path = ctx.PathOf("const", o.Name);
            if (n == null)
                ctx.Report(DiffRules.ConstRemoved, path, $"constant {o.Name} ({Describe.Hex(o.Value)}) was removed; code using it no longer compiles",
                    Describe.Hex(o.Value), null, o, null);
            else if (n.Value != o.Value)
                ctx.Report(DiffRules.ConstValueChanged, path, $"constant {o.Name} changed from {Describe.Hex(o.Value)} to {Describe.Hex(n.Value)}",
                    Describe.Hex(o.Value), Describe.Hex(n.Value), o, n);
        }
        foreach (var n in ctx.New.Constants.Where(n => ctx.Old.Constants.All(o => o.Name != n.Name)))
            ctx.Report(DiffRules.ConstAdded, ctx.PathOf("const", n.Name), $"new constant {n.Name} = {Describe.Hex(n.Value)}",
                null, Describe.Hex(n.Value), null, n);
    }

    private static void CompareFeatures(DiffContext ctx)
    {
        var lost = new List<FeatureSymbol>();
        var gained = ctx.New.Features.Where(n => ctx.Old.Features.All(o => o.Name != n.Name)).ToList();
        foreach (var o in ctx.Old.Features)
        {
            var n = ctx.New.Features.FirstOrDefault(f => f.Name == o.Name);
            if (n == null) { lost.Add(o); continue; }
            if (n.Bit != o.Bit)
                ctx.Report(DiffRules.FeatureRenumbered, ctx.PathOf("feature", o.Name),
                    $"feature {o.Name} moved from bit {o.Bit} to bit {n.Bit}: old and new peers negotiate different things",
                    $"bit {o.Bit}", $"bit {n.Bit}", o, n);
        }
        foreach (var o in lost.ToList())
        {
            var n = gained.FirstOrDefault(f => f.Bit == o.Bit);
            if (n == null) continue;
            lost.Remove(o);
            gained.Remove(n);
            var path = ctx.PathOf("feature", o.Name);
            if (NameRelation.AreRelated(o.Name, n.Name))
                ctx.Report(DiffRules.FeatureRenamed, path, $"feature bit {o.Bit} is renamed {o.Name} -> {n.Name}",
                    o.Name, n.Name, o, n);
            else
                ctx.Report(DiffRules.FeatureMeaningChanged, path,
                    $"feature bit {o.Bit} meant {o.Name} and now means {n.Name}: peers negotiating it disagree on what they agreed to",
                    o.Name, n.Name, o, n);
        }
        foreach (var o in lost)
            ctx.Report(DiffRules.FeatureRemoved, ctx.PathOf("feature", o.Name),
                $"feature {o.Name} (bit {o.Bit}) was removed; old peers may still offer or accept it",
                $"bit {o.Bit}", null, o, null);
        foreach (var n in gained)
            ctx.Report(DiffRules.FeatureAdded, ctx.PathOf("feature", n.Name),
                $"new feature {n.Name} (bit {n.Bit}); negotiated, so old peers never turn it on",
                null, $"bit {n.Bit}", null, n);
    }

    private static void CompareDeviceIds(DiffContext ctx)
    {
        var pairs = new List<(DeviceIdSymbol O, DeviceIdSymbol N)>();
        var lost = new List<DeviceIdSymbol>();
        var gained = ctx.New.DeviceIds.Where(n => ctx.Old.DeviceIds.All(o => o.Name != n.Name)).ToList();
        foreach (var o in ctx.Old.DeviceIds)
        {
            var n = ctx.New.DeviceIds.FirstOrDefault(d => d.Name == o.Name);
            if (n == null) lost.Add(o); else pairs.Add((o, n));
        }
        if (lost.Count == 1 && gained.Count == 1)
        {
            pairs.Add((lost[0], gained[0]));
            lost.Clear();
            gained.Clear();
        }
        foreach (var (o, n) in pairs)
        {
            if (o.Value == n.Value && o.Name == n.Name) continue;
            var name = o.Name == n.Name ? o.Name : $"{o.Name} -> {n.Name}";
            ctx.Report(DiffRules.DeviceIdChanged, ctx.PathOf("device_id", o.Name),
                $"device id {name} changed from {o.Value} to {n.Value}: drivers for the old id do not bind to the new device",
                $"{o.Name}={o.Value}", $"{n.Name}={n.Value}", o, n);
        }
        foreach (var o in lost)
            ctx.Report(DiffRules.DeviceIdRemoved, ctx.PathOf("device_id", o.Name), $"device id {o.Name} = {o.Value} was removed",
                $"{o.Name}={o.Value}", null, o, null);
        foreach (var n in gained)
            ctx.Report(DiffRules.DeviceIdAdded, ctx.PathOf("device_id", n.Name), $"new device id {n.Name} = {n.Value}",
                null, $"{n.Name}={n.Value}", null, n);
    }
}
