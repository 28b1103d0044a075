namespace IsmSpec.Cli.Tests;

/// <summary>The exit code and captured output of one in-process <c>CliApp.Run</c>.</summary>
public sealed record CliResult(int Exit, string Out, string Err)
{
    public static CliResult Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CliApp.Run(args, stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    public string[] OutLines => Out.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    /// <summary>Asserts a usage/input error: exit 2, nothing on stdout, exactly one line on stderr; returns it.</summary>
    public string AssertUsageError()
    {
        Assert.Equal(2, Exit);
        Assert.Equal("", Out);
        var lines = Err.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("ismspec: ", lines[0]);
        return lines[0];
    }

    public void AssertOk()
    {
        Assert.True(Exit == 0, $"exit {Exit}, stderr: {Err}");
        Assert.Equal("", Err);
    }
}
