namespace IsmSpec.SpecDiff.Tests;

internal static class RepoPaths
{
    /// <summary>The repository root (the folder holding IsmSpec.sln), found from the test binaries upwards.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "IsmSpec.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("IsmSpec.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Spec(params string[] parts) => Path.Combine([Root, "spec", .. parts]);
}
