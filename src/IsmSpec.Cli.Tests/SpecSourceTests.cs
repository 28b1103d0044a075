namespace IsmSpec.Cli.Tests;

public sealed class SpecSourceTests
{
    [Fact]
    public void Specs_with_errors_print_their_diagnostics_and_exit_2()
    {
        using var folder = new TestSpecFolder();
        folder.Write("broken.ism", "spec broken version 1;\nstruct s { nosuch_type x; }\n");
        var r = folder.Run("specs");
        Assert.Equal(2, r.Exit);
        Assert.Equal("", r.Out);
        var lines = r.Err.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Contains(lines, l => l.Contains("broken.ism:2:") && l.Contains("error ISM0002"));
        Assert.StartsWith($"ismspec: the specs in '{folder.Path}' have 1 error(s)", lines[^1]);
    }

    [Fact]
    public void Missing_folder_is_a_usage_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "ismspec-no-such-folder-" + Guid.NewGuid());
        var line = CliResult.Run("--specs", missing, "specs").AssertUsageError();
        Assert.Equal($"ismspec: spec folder '{missing}' does not exist", line);
    }

    [Fact]
    public void Folder_without_specs_is_a_usage_error()
    {
        var empty = Directory.CreateTempSubdirectory("ismspec-empty-").FullName;
        try
        {
            Assert.Equal($"ismspec: no .ism files in '{empty}'", CliResult.Run("--specs", empty, "requirements").AssertUsageError());
        }
        finally { Directory.Delete(empty); }
    }

    [Fact]
    public void Specs_option_may_follow_the_command()
    {
        using var folder = new TestSpecFolder();
        var r = CliResult.Run("layout", "widget", "--specs", folder.Path);
        r.AssertOk();
        Assert.StartsWith("struct widget { /* other@1 */", r.Out);
    }
}
