using System.Text.RegularExpressions;

namespace IsmSpec.SpecDiff.Tex;

/// <summary>The result of importing one .tex file: the .ism skeleton, a line map back to the tex, and warnings.</summary>
public sealed record TexImport(
    string SpecName,
    string Ism,
    IReadOnlyList<int> TexLines,
    IReadOnlyList<TexWarning> Warnings,
    int StructCount,
    int DefineCount,
    int RequirementCount)
{
    /// <summary>The tex line a 1-based .ism line came from (0 when unknown).</summary>
    public int TexLineOf(int ismLine) => ismLine >= 1 && ismLine <= TexLines.Count ? TexLines[ismLine - 1] : 0;
}

/// <summary>
/// <c>ismspec import-tex</c>: a virtio spec device section (LaTeX) to a .ism skeleton. Structs and
/// constants come from lstlisting blocks, requirements from \devicenormative / \drivernormative blocks,
/// one per MUST / SHOULD / MAY sentence. Never throws on any input text.
/// </summary>
public static partial class TexImporter
{
    public static TexImport Import(string texText, string fileName)
    {
        var doc = TexDocumentParser.Parse(texText ?? "");
        var warnings = doc.Warnings.ToList();
        var decls = new CDeclarations();
        var parser = new CDeclParser(decls, warnings);
        foreach (var listing in doc.Listings) parser.Parse(listing);
        CStructResolver.Resolve(decls, warnings);
        var requirements = RequirementExtractor.Extract(doc.Blocks);
        var specName = SpecNameFromFile(fileName);
        var writer = new IsmSkeletonWriter();
        writer.Write(specName, Path.GetFileName(fileName), decls, requirements);
        warnings.Sort((a, b) => a.Line.CompareTo(b.Line));
        return new TexImport(specName, writer.Text, writer.TexLines, warnings, decls.Structs.Count, decls.Defines.Count, requirements.Count);
    }

    /// <summary><c>virtio-ism v2.tex</c> -> <c>virtio-ism-v2</c>; a name that would start with a digit gets a <c>tex-</c> prefix.</summary>
    public static string SpecNameFromFile(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName ?? "").ToLowerInvariant();
        var name = NonName().Replace(stem, "-").Trim('-');
        if (name.Length == 0) return "imported";
        return char.IsAsciiDigit(name[0]) ? "tex-" + name : name;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonName();
}
