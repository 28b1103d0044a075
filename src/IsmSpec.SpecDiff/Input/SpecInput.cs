using IsmSpec.SpecDiff.Engine;
using IsmSpec.SpecDiff.Model;
using IsmSpec.SpecDiff.Tex;
using IsmSpec.SpecLanguage.Binding;
using IsmSpec.SpecLanguage.Diagnostics;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.SpecDiff.Input;

/// <summary>A missing or unreadable input: reported as one line, exit code 2.</summary>
public sealed class SpecInputException(string message) : Exception(message);

/// <summary>
/// One side of a diff: a .ism file, a folder of them, or a .tex file imported on the fly. The locator
/// maps spans of the bound model back to the file the user named (for .tex: the tex line).
/// </summary>
public sealed class SpecInput
{
    private SpecInput(string path, SpecCompilation compilation, Locator locator, IReadOnlyList<TexWarning> texWarnings)
    {
        Path = path; Compilation = compilation; Locator = locator; TexWarnings = texWarnings;
    }

    public string Path { get; }
    public SpecCompilation Compilation { get; }
    public Locator Locator { get; }
    /// <summary>What the LaTeX importer skipped or guessed (empty for .ism input).</summary>
    public IReadOnlyList<TexWarning> TexWarnings { get; }
    public bool IsTex => Path.EndsWith(".tex", StringComparison.OrdinalIgnoreCase);

    public static SpecInput Load(string path)
    {
        if (path.EndsWith(".tex", StringComparison.OrdinalIgnoreCase) && File.Exists(path)) return LoadTex(path);
        try
        {
            return new SpecInput(path, SpecCompilation.Load(path), SpecDiffer.DefaultLocator, []);
        }
        catch (FileNotFoundException e) { throw new SpecInputException(e.Message); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new SpecInputException($"cannot read '{path}': {e.Message}"); }
    }

    private static SpecInput LoadTex(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new SpecInputException($"cannot read '{path}': {e.Message}"); }
        var import = TexImporter.Import(text, path);
        var compilation = SpecCompilation.Create([new SourceFile(path, import.Ism)]);
        Location? Locate(SourceSpan span) => new(path, Math.Max(import.TexLineOf(span.StartLine + 1), 1), 1);
        return new SpecInput(path, compilation, Locate, import.Warnings);
    }

    /// <summary>A diagnostic as one line; for an imported .tex it names the tex line and says it is the skeleton's fault.</summary>
    public string Format(SpecDiagnostic d)
    {
        if (!IsTex) return d.ToString();
        var at = Locator(d.Span);
        return $"{at}: {(d.Severity == SpecSeverity.Error ? "error" : "warning")} {d.Id}: {d.Message} (in the .ism imported from this .tex)";
    }
}
