using IsmSpec.SpecLanguage.Binding;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Specs;

/// <summary>Resolves a spec selector: <c>NAME</c> (every version) or <c>NAME@VERSION</c> (one). Unknown: exit 2.</summary>
internal static class SpecSelector
{
    public static IReadOnlyList<SpecModel> Select(SpecCompilation compilation, string selector)
    {
        var matches = compilation.Specs.Where(s => s.Name == selector || s.Key == selector)
            .OrderBy(s => s.Version).ToList();
        if (matches.Count > 0) return matches;
        var known = compilation.Specs.Select(s => s.Key).Order(StringComparer.Ordinal);
        throw new CliException($"unknown spec '{selector}' (known: {string.Join(", ", known)})");
    }
}
