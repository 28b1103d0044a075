using IsmSpec.SpecLanguage.Binding;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Specs;

/// <summary>
/// Resolves a TYPE argument: a spec name (<c>virtio_ism_config</c>), a C# name (<c>VirtioIsmConfig</c>), or
/// either qualified by a spec (<c>virtio-ism:…</c>, <c>virtio-ism@2:…</c>). A name found in several versions of
/// one spec means the first version (the spec as first published; qualify to pick another). A name found in
/// different specs, or no match: exit 2.
/// </summary>
internal static class TypeLookup
{
    public static TypeSymbol Resolve(SpecCompilation compilation, string query)
    {
        int colon = query.IndexOf(':');
        if (colon == 0 || colon == query.Length - 1) throw new CliException($"'{query}' is not a type name (use TYPE or SPEC:TYPE)");
        if (colon > 0) SpecSelector.Select(compilation, query[..colon]);

        var candidates = compilation.FindTypes(query);
        if (candidates.Count == 1) return candidates[0];
        if (candidates.Count > 1 && candidates.Select(c => c.Spec?.Name).Distinct().Count() == 1)
            return candidates.OrderBy(c => c.Spec?.Version).First();
        if (candidates.Count > 1)
            throw new CliException($"'{query}' is ambiguous: {string.Join(", ", candidates.Select(Qualified))}");

        string bare = colon > 0 ? query[(colon + 1)..] : query;
        var similar = compilation.Specs.SelectMany(s => s.Types)
            .Where(t => t.Name.Contains(bare, StringComparison.OrdinalIgnoreCase) || t.CSharpName.Contains(bare, StringComparison.OrdinalIgnoreCase))
            .Select(t => t.Name).Distinct().Take(5).ToList();
        throw new CliException($"unknown type '{query}'" + (similar.Count > 0 ? $" (did you mean {string.Join(", ", similar)}?)" : ""));
    }

    public static string Qualified(TypeSymbol type) => $"{type.Spec?.Key}:{type.Name}";
}
