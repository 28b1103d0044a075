using IsmSpec.SpecDiff.Tex;
using IsmSpec.SpecLanguage.Binding;

namespace IsmSpec.SpecDiff.Input;

/// <summary><c>ismspec import-tex FILE.tex [-o OUT.ism]</c>: print (or write) the skeleton, warnings on stderr.</summary>
public static class ImportTexRunner
{
    public static int Run(string texPath, string? outputPath, TextWriter stdout, TextWriter stderr)
    {
        string text;
        try { text = File.ReadAllText(texPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ismspec: cannot read '{texPath}': {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}");
            return DiffRunner.Error;
        }
        var import = TexImporter.Import(text, texPath);
        foreach (var w in import.Warnings) stderr.WriteLine($"{texPath}:{w.Line}: warning TEX: {w.Message}");
        var check = SpecCompilation.FromText((outputPath ?? texPath + ".ism", import.Ism));
        foreach (var d in check.Diagnostics) stderr.WriteLine($"{d} (importer bug: please report)");
        if (outputPath != null)
        {
            try { File.WriteAllText(outputPath, import.Ism); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"ismspec: cannot write '{outputPath}': {e.Message}");
                return DiffRunner.Error;
            }
        }
        else stdout.Write(import.Ism);
        stderr.WriteLine($"{texPath}: {import.StructCount} struct(s), {import.DefineCount} constant(s), {import.RequirementCount} requirement(s), {import.Warnings.Count} warning(s)");
        return check.HasErrors ? DiffRunner.Error : DiffRunner.Ok;
    }
}
