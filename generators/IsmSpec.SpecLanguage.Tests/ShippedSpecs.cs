using IsmSpec.SpecLanguage.Binding;

namespace IsmSpec.SpecLanguage.Tests;

/// <summary>Locates the repository's spec/ folder from the test assembly's directory.</summary>
internal static class ShippedSpecs
{
    private static readonly Lazy<SpecCompilation?> LoadedSpecs = new(() =>
    {
        var folder = SpecFolder;
        return folder == null ? null : SpecCompilation.Load(folder);
    });

    /// <summary>The folder holding IsmSpec.sln, found by walking up from the test assembly; null when absent.</summary>
    public static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IsmSpec.sln"))) return dir.FullName;
        }
        return null;
    }

    public static string? SpecFolder
    {
        get
        {
            var root = FindRepositoryRoot();
            var folder = root == null ? null : Path.Combine(root, "spec");
            return folder != null && Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.ism", SearchOption.AllDirectories).Any()
                ? folder : null;
        }
    }

    /// <summary>Every *.ism file under spec/, or an empty list when the folder is missing.</summary>
    public static IReadOnlyList<string> Files =>
        SpecFolder is { } folder
            ? Directory.GetFiles(folder, "*.ism", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal).ToList()
            : Array.Empty<string>();

    /// <summary>The whole spec folder, loaded once per test run.</summary>
    public static SpecCompilation Compilation =>
        LoadedSpecs.Value ?? throw new Xunit.Sdk.XunitException("spec/ folder with *.ism files not found above " + AppContext.BaseDirectory);
}
