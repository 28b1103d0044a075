using IsmSpec.Cli.Formatting;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Catalog;

/// <summary>The <c>specs</c> overview: one table row per spec with its counts, then each spec's type names by kind.</summary>
internal static class SpecSummaryWriter
{
    public static void Write(TextWriter output, IEnumerable<SpecModel> specs)
    {
        var ordered = specs.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Version).ToList();
        var table = new TextTable("SPEC", "VERSION", "NAMESPACE", "STRUCTS", "UNIONS", "ENUMS", "FLAGS", "BITFIELDS",
            "COMMANDS", "OPS", "FEATURES", "REQUIREMENTS").AlignRight(1, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        foreach (var s in ordered)
        {
            table.AddRow(s.Name, s.Version, s.Namespace, s.Structs.Count(), s.Unions.Count(),
                s.Enums.Count(e => !e.IsFlags), s.Enums.Count(e => e.IsFlags), s.Bitfields.Count(),
                s.CommandSets.Sum(c => c.Commands.Count), s.Ops.Count, s.Features.Count, s.Requirements.Count);
        }
        table.Write(output);
        foreach (var s in ordered)
        {
            output.WriteLine();
            output.WriteLine($"{s.Key}:");
            var groups = new (string Label, IEnumerable<TypeSymbol> Types)[]
            {
                ("structs", s.Structs.Where(t => !IsInline(t))),
                ("inline structs", s.Structs.Where(IsInline)),
                ("unions", s.Unions),
                ("enums", s.Enums.Where(e => !e.IsFlags)),
                ("flags", s.Enums.Where(e => e.IsFlags)),
                ("bitfields", s.Bitfields),
            };
            foreach (var (label, types) in groups)
            {
                var names = types.Select(t => t.Name).ToList();
                if (names.Count > 0) WrappedList.Write(output, $"  {label + ":",-16}", names);
            }
        }
    }

    /// <summary>A union view or a command payload declared inline.</summary>
    private static bool IsInline(StructType s) => s.IsInline || s.Union != null;
}
