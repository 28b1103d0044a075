using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.SpecDiff.Engine;

/// <summary>Bitfields: named members match by name (position and width), then by bit range (a rename).</summary>
internal static class BitfieldDiff
{
    public static void Compare(DiffContext ctx, BitfieldType old, BitfieldType neu, string path)
    {
        EnumDiff.CompareUnderlying(ctx, old, neu, old.Underlying, neu.Underlying, path);
        var oldMembers = old.Members.Where(m => !m.IsReserved).ToList();
        var newMembers = neu.Members.Where(m => !m.IsReserved).ToList();
        var lostOld = oldMembers.Where(o => newMembers.All(n => n.Name != o.Name)).ToList();
        var gainedNew = newMembers.Where(n => oldMembers.All(o => o.Name != n.Name)).ToList();

        foreach (var o in oldMembers)
        {
            var n = newMembers.FirstOrDefault(m => m.Name == o.Name);
            if (n == null) continue;
            var p = $"{path}.{o.Name}";
            if (o.Low != n.Low)
                ctx.Report(DiffRules.BitPositionChanged, p,
                    $"{neu.Name}.{n.Name} now starts at bit {n.Low} (was {o.Low}): old peers read other bits",
                    Range(o), Range(n), o, n);
            if (o.Width != n.Width)
                ctx.Report(DiffRules.BitWidthChanged, p,
                    $"{neu.Name}.{n.Name} is now {n.Width} bit(s) wide (was {o.Width})",
                    Range(o), Range(n), o, n);
        }

        foreach (var o in lostOld.ToList())
        {
            var n = gainedNew.FirstOrDefault(n => n.Low == o.Low && n.High == o.High);
            if (n == null) continue;
            lostOld.Remove(o);
            gainedNew.Remove(n);
            ctx.Report(DiffRules.BitMemberRenamed, $"{path}.{o.Name}",
                $"{neu.Name}.{o.Name} is renamed {n.Name} at the same bits {Range(n)}; if its meaning changed too, treat this as wire-breaking",
                o.Name, n.Name, o, n);
        }

        ulong oldReserved = old.ReservedMask;
        foreach (var n in gainedNew)
        {
            if ((n.Mask & oldReserved) == n.Mask)
                ctx.Report(DiffRules.ReservedBitsUsed, $"{path}.{n.Name}",
                    $"{neu.Name}.{n.Name} takes bits {Range(n)} that were reserved (must be zero); zero must keep the old behaviour",
                    null, $"{n.Name}:{Range(n)}", null, n);
            else
                ctx.Report(DiffRules.BitMemberAdded, $"{path}.{n.Name}",
                    $"{neu.Name} gained {n.Name} at bits {Range(n)}",
                    null, $"{n.Name}:{Range(n)}", null, n);
        }
        foreach (var o in lostOld)
            ctx.Report(DiffRules.BitMemberRemoved, $"{path}.{o.Name}",
                $"{old.Name}.{o.Name} (bits {Range(o)}) was removed; old peers still set or read those bits",
                $"{o.Name}:{Range(o)}", null, o, null);
    }

    private static string Range(BitMember m) => m.Low == m.High ? $"{m.Low}" : $"{m.Low}..{m.High}";
}
