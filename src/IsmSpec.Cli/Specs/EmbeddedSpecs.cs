using System.Reflection;
using IsmSpec.SpecLanguage.Text;

namespace IsmSpec.Cli.Specs;

/// <summary>The spec/**/*.ism files compiled into the tool as resources named by their path relative to spec/.</summary>
internal static class EmbeddedSpecs
{
    public static IReadOnlyList<SourceFile> Read()
    {
        var assembly = typeof(EmbeddedSpecs).Assembly;
        var files = new List<SourceFile>();
        foreach (var resource in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
        {
            if (!resource.EndsWith(".ism", StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            files.Add(new SourceFile(resource.Replace('\\', '/'), reader.ReadToEnd()));
        }
        return files;
    }
}
